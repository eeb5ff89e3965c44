package dev.tollgate.api.openai;

import dev.tollgate.api.HttpBodies;
import dev.tollgate.api.ResponseHeaders;
import dev.tollgate.model.ChatRequest;
import dev.tollgate.model.Usage;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.pipeline.Endpoint;
import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.pipeline.Inbound;
import dev.tollgate.pipeline.Pipeline;
import dev.tollgate.pipeline.RequestContext;
import dev.tollgate.provider.ProviderResponse;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An OpenAI-dialect proxied route ({@code /v1/chat/completions}, {@code /v1/embeddings}): reads the
 * body, runs the pipeline, writes the answer or the error in OpenAI's shape, and ends the call with
 * exactly one usage event (for every call that got past authentication).
 */
public final class OpenAiProxyHandler implements Handler {

    private static final Logger LOG = LoggerFactory.getLogger(OpenAiProxyHandler.class);

    private final Endpoint endpoint;
    private final Inbound.RequestParser parser;
    private final Pipeline pipeline;
    private final HttpBodies bodies;
    private final OpenAiErrors errors;
    private final OpenAiStreamWriter streams;

    /** What the handler needs besides its endpoint and parser. */
    public record Shared(Pipeline pipeline, HttpBodies bodies, OpenAiErrors errors) {
    }

    public OpenAiProxyHandler(Endpoint endpoint, Inbound.RequestParser parser, Shared shared) {
        this.endpoint = endpoint;
        this.parser = parser;
        this.pipeline = shared.pipeline();
        this.bodies = shared.bodies();
        this.errors = shared.errors();
        this.streams = new OpenAiStreamWriter(shared.pipeline(), shared.errors());
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        String requestId = ResponseHeaders.requestId(req.headers().first(HeaderNames.create("x-tollgate-request-id")).orElse(null));
        res.header(ResponseHeaders.REQUEST_ID, requestId);
        byte[] body;
        try {
            body = bodies.read(req);
        } catch (GatewayException e) {
            sendError(res, e);
            return;
        }
        Inbound inbound = new Inbound(name -> req.headers().first(HeaderNames.create(name)), body, parser);
        RequestContext ctx = pipeline.newContext(requestId, endpoint, inbound);
        ProviderResponse response;
        try {
            response = pipeline.execute(ctx);
        } catch (GatewayException e) {
            fail(ctx, res, e);
            return;
        } catch (RuntimeException e) {
            LOG.error("request {} failed inside the gateway", requestId, e);
            fail(ctx, res, new GatewayException(500, "server_error", "internal_error", null,
                    "the gateway failed to handle this request (request id " + requestId + ")", Map.of()));
            return;
        }
        try {
            ResponseHeaders.routed(res, ctx);
            ResponseHeaders.passOn(res, response.headers());
            switch (response) {
                case ProviderResponse.Complete complete -> sendComplete(ctx, res, complete);
                case ProviderResponse.Streaming streaming -> streams.relay(ctx, res, streaming, wantsUsage(ctx));
            }
        } finally {
            if (!ctx.finished()) {
                // A path that ended without settling (an unexpected failure while answering): the call still
                // ends once, so its budget reservations are released and it is recorded.
                LOG.warn("request {} ended without being settled; recording it as abandoned", requestId);
                pipeline.finish(ctx, new Pipeline.Outcome(499, Usage.NONE, "abandoned"));
            }
        }
    }

    private void sendComplete(RequestContext ctx, ServerResponse res, ProviderResponse.Complete complete) {
        // The event is settled before the body leaves, so a client that saw the answer is always billed.
        UsageEvent event = pipeline.finish(ctx, Pipeline.Outcome.ok(complete.usage()));
        ResponseHeaders.settled(res, event);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.status(Status.OK_200);
        try {
            res.send(complete.body());
        } catch (RuntimeException e) {
            LOG.debug("client of request {} went away before the answer was sent: {}", ctx.requestId(), e.toString());
        }
    }

    private static boolean wantsUsage(RequestContext ctx) {
        return ctx.request().map(r -> r instanceof ChatRequest chat && chat.clientWantsUsage()).orElse(false);
    }

    private void fail(RequestContext ctx, ServerResponse res, GatewayException e) {
        if (ctx.principal().isPresent()) {
            pipeline.finish(ctx, Pipeline.Outcome.failed(e, Usage.NONE));
        }
        ResponseHeaders.routed(res, ctx);
        sendError(res, e);
    }

    private void sendError(ServerResponse res, GatewayException e) {
        res.status(Status.create(e.status()));
        e.headers().forEach(res::header);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(errors.body(e));
    }
}
