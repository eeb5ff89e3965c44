package dev.tollgate.pipeline;

import dev.tollgate.model.Usage;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.provider.Chunk;
import dev.tollgate.provider.ChunkStream;
import dev.tollgate.provider.ProviderResponse;
import dev.tollgate.provider.UpstreamException;
import dev.tollgate.provider.Wire;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one relay of streamed answers, for every inbound dialect: pulls chunks from the upstream as they
 * arrive, has the dialect's {@link StreamEncoder} write each one (flushed unless the next one is already
 * waiting), and decides how the call ended, settling it before the closing bytes go out:
 * <ul>
 *   <li>the stream ends: {@link Ending#DELIVERED}, billed with the stream's usage, then the encoder's end;</li>
 *   <li>the upstream fails mid-way: {@link Ending#STREAM_FAILED} ({@code upstream_stream_failed}), billed for
 *       what was delivered, then the encoder's error event;</li>
 *   <li>a write fails: {@link Ending#CLIENT_GONE} (499 {@code client_closed_request}), billed for what was
 *       delivered, and the upstream call is aborted.</li>
 * </ul>
 * Helidon reports a client that went away as a runtime exception, so any exception from a write means that.
 */
final class StreamRelay {

    private static final Logger LOG = LoggerFactory.getLogger(StreamRelay.class);

    private final RequestContext ctx;
    private final ChunkStream chunks;
    private final Map<String, String> headers;
    private final Wire wire;
    private final CallSettler settler;
    /** Every chunk, kept only when a hook wants the delivered answer (the cache). */
    private final List<Chunk> kept;
    /** The last chunk was written but not flushed, because the next one had already arrived. */
    private boolean unflushed;

    StreamRelay(RequestContext ctx, ProviderResponse.Streaming stream, CallSettler settler) {
        this.ctx = ctx;
        this.chunks = stream.chunks();
        this.headers = stream.headers();
        this.wire = stream.wire();
        this.settler = settler;
        this.kept = ctx.keepsDeliveredAnswers() ? new ArrayList<>() : null;
    }

    /** Relays the whole stream; returns how the call ended. Closes the upstream stream. */
    Ending relay(StreamEncoder encoder) {
        try (chunks) {
            while (true) {
                Chunk chunk;
                try {
                    chunk = chunks.next();
                } catch (UpstreamException e) {
                    Exception gone = flushHeldBack(encoder);
                    return gone == null ? streamFailed(encoder, e) : clientGone(gone);
                }
                if (chunk == null) {
                    Exception gone = flushHeldBack(encoder);
                    return gone == null ? delivered(encoder) : clientGone(gone);
                }
                if (kept != null) {
                    kept.add(chunk);
                }
                if (chunk.usageOnly() && !encoder.relaysUsageChunks()) {
                    continue;
                }
                if (chunk.hasContent()) {
                    settler.firstToken(ctx);
                }
                try {
                    encoder.chunk(chunk);
                    unflushed = chunks.nextIsReady();
                    if (!unflushed) {
                        encoder.flush();
                    }
                } catch (IOException | RuntimeException e) {
                    return clientGone(e);
                }
            }
        }
    }

    /**
     * Sends what was written but held back because more had arrived, before the call is settled: chunks
     * that arrived together with the stream's end must not wait for the settling. Returns why the write
     * failed (the client went away), else null.
     */
    private Exception flushHeldBack(StreamEncoder encoder) {
        if (!unflushed) {
            return null;
        }
        unflushed = false;
        try {
            encoder.flush();
            return null;
        } catch (IOException | RuntimeException e) {
            return e;
        }
    }

    private Ending delivered(StreamEncoder encoder) {
        Usage usage = chunks.usage();
        DeliveredAnswer answer = kept == null ? null : new DeliveredAnswer.Streamed(kept, usage, headers, wire);
        UsageEvent event = settler.settle(ctx, Outcome.delivered(usage, answer));
        try {
            encoder.end(event);
        } catch (IOException | RuntimeException e) {
            LOG.debug("client of stream {} went away before its end: {}", ctx.requestId(), e.toString());
        }
        return Ending.DELIVERED;
    }

    private Ending streamFailed(StreamEncoder encoder, UpstreamException e) {
        LOG.warn("upstream stream of request {} failed mid-way: {}", ctx.requestId(), e.getMessage());
        GatewayException error = new GatewayException(502, "api_error", "upstream_stream_failed", null,
                e.getMessage() + " (the answer above is incomplete)", Map.of());
        settler.settle(ctx, Outcome.cut(Ending.STREAM_FAILED, 200, chunks.usage(), error.code()));
        try {
            encoder.failed(error);
        } catch (IOException | RuntimeException ignored) {
            LOG.debug("client of stream {} went away before the error event", ctx.requestId());
        }
        return Ending.STREAM_FAILED;
    }

    private Ending clientGone(Exception e) {
        LOG.debug("client of stream {} went away: {}", ctx.requestId(), e.toString());
        settler.settle(ctx, Outcome.cut(Ending.CLIENT_GONE, 499, chunks.usage(), "client_closed_request"));
        return Ending.CLIENT_GONE;
    }
}
