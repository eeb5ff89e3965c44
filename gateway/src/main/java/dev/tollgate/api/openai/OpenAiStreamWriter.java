package dev.tollgate.api.openai;

import dev.tollgate.model.Usage;
import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.pipeline.Pipeline;
import dev.tollgate.pipeline.RequestContext;
import dev.tollgate.provider.Chunk;
import dev.tollgate.provider.ChunkStream;
import dev.tollgate.provider.ProviderResponse;
import dev.tollgate.provider.UpstreamException;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays a streamed answer to an OpenAI client as server-sent events, each chunk flushed the moment it
 * arrives (events that arrived from the upstream together share one flush). The call is settled (usage event) before the closing {@code [DONE]}; a stream that fails
 * mid-way ends with an error event and is billed for what was delivered; a client that goes away
 * aborts the upstream call and is billed the same way.
 */
final class OpenAiStreamWriter {

    private static final Logger LOG = LoggerFactory.getLogger(OpenAiStreamWriter.class);
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END_OF_EVENT = "\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

    private final Pipeline pipeline;
    private final OpenAiErrors errors;

    OpenAiStreamWriter(Pipeline pipeline, OpenAiErrors errors) {
        this.pipeline = pipeline;
        this.errors = errors;
    }

    void relay(RequestContext ctx, ServerResponse res, ProviderResponse.Streaming streaming, boolean clientWantsUsage) {
        res.status(Status.OK_200);
        res.header(HeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        res.header("x-accel-buffering", "no");
        try (ChunkStream chunks = streaming.chunks(); OutputStream out = res.outputStream()) {
            if (!pump(ctx, chunks, out, clientWantsUsage)) {
                return;
            }
            pipeline.finish(ctx, Pipeline.Outcome.ok(chunks.usage()));
            write(out, DONE);
        } catch (IOException | UncheckedIOException e) {
            LOG.debug("stream {} ended while closing: {}", ctx.requestId(), e.toString());
        }
    }

    /** Relays every chunk; returns false when the call ended early (and was settled here). */
    private boolean pump(RequestContext ctx, ChunkStream chunks, OutputStream out, boolean clientWantsUsage) {
        while (true) {
            Chunk chunk;
            try {
                chunk = chunks.next();
            } catch (UpstreamException e) {
                streamFailed(ctx, chunks.usage(), out, e);
                return false;
            }
            if (chunk == null) {
                return true;
            }
            if (chunk.usageOnly() && !clientWantsUsage) {
                continue;
            }
            if (chunk.hasContent()) {
                pipeline.firstToken(ctx);
            }
            try {
                out.write(DATA);
                out.write(chunk.json());
                out.write(END_OF_EVENT);
                // Events that arrived together leave together; one that is alone leaves at once.
                if (!chunks.nextIsReady()) {
                    out.flush();
                }
            } catch (IOException | RuntimeException e) {
                LOG.debug("client of stream {} went away: {}", ctx.requestId(), e.toString());
                pipeline.finish(ctx, new Pipeline.Outcome(499, chunks.usage(), "client_closed_request"));
                return false;
            }
        }
    }

    private void streamFailed(RequestContext ctx, Usage delivered, OutputStream out, UpstreamException e) {
        LOG.warn("upstream stream of request {} failed mid-way: {}", ctx.requestId(), e.getMessage());
        GatewayException error = new GatewayException(502, "api_error", "upstream_stream_failed", null,
                e.getMessage() + " (the answer above is incomplete)", Map.of());
        pipeline.finish(ctx, new Pipeline.Outcome(200, delivered, error.code()));
        try {
            write(out, DATA);
            write(out, errors.body(error));
            write(out, END_OF_EVENT);
        } catch (UncheckedIOException ignored) {
            LOG.debug("client of stream {} went away before the error event", ctx.requestId());
        }
    }

    private static void write(OutputStream out, byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
