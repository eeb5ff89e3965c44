package dev.tollgate.provider;

import dev.tollgate.model.Usage;

/**
 * A streamed answer, pulled chunk by chunk on the request's thread, so each chunk reaches the client as
 * soon as the upstream sent it. Not thread-safe.
 */
public interface ChunkStream extends AutoCloseable {

    /**
     * The next chunk, or {@code null} after the last one.
     *
     * @throws UpstreamException of kind {@code BROKEN} or {@code PROTOCOL} when the stream fails mid-way
     */
    Chunk next();

    /**
     * The usage of what was streamed so far: the upstream's own report when it sent one, else Tollgate's
     * estimate of the delivered content (flagged {@code estimated}). Valid at any time, also after a failure.
     */
    Usage usage();

    /**
     * Whether the next chunk has already arrived (is buffered) and {@link #next()} returns it without
     * waiting: the relay then writes it in the same flush, instead of one write per event.
     */
    default boolean nextIsReady() {
        return false;
    }

    /** Releases the upstream connection; aborts the upstream call if the stream is not finished. */
    @Override
    void close();
}
