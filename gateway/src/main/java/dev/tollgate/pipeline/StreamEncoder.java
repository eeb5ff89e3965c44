package dev.tollgate.pipeline;

import dev.tollgate.model.UsageEvent;
import dev.tollgate.provider.Chunk;
import java.io.IOException;

/**
 * Writes a streamed answer in one inbound dialect's events (OpenAI's SSE, Anthropic's named events). The
 * pipeline's relay pulls the chunks, decides when the call ends and settles it; an encoder only encodes.
 * Calls come in this order: {@link #chunk} (then {@link #flush} when nothing more is waiting) for every
 * chunk, then exactly one of {@link #end} or {@link #failed}, or nothing more once a write failed.
 * A write that fails because the client went away may throw {@link IOException} or any runtime exception.
 */
public interface StreamEncoder {

    /** Whether the usage-only chunk (OpenAI's {@code stream_options.include_usage}) is relayed; else it is skipped. */
    default boolean relaysUsageChunks() {
        return false;
    }

    /** Writes one chunk; buffered until {@link #flush}. */
    void chunk(Chunk chunk) throws IOException;

    /** Sends what was written: chunks that arrived together leave together, one that is alone leaves at once. */
    void flush() throws IOException;

    /** The stream ended in full and is settled ({@code settled} is what it was billed): the closing events, flushed. */
    void end(UsageEvent settled) throws IOException;

    /** The upstream failed mid-way and the call is settled: the error event, flushed. */
    void failed(GatewayException error) throws IOException;
}
