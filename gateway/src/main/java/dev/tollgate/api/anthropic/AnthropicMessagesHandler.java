package dev.tollgate.api.anthropic;

import dev.tollgate.api.HttpBodies;
import dev.tollgate.api.ResponseHeaders;
import dev.tollgate.model.Usage;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.pipeline.Endpoint;
import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.pipeline.Inbound;
import dev.tollgate.pipeline.Pipeline;
import dev.tollgate.pipeline.RequestContext;
import dev.tollgate.provider.Deployment;
import dev.tollgate.provider.ProviderResponse;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /v1/messages} in Anthropic's dialect, served by any provider: reads the body, runs the same
 * pipeline as the OpenAI routes (auth with {@code x-api-key} or a bearer token, limits, routing, provider
 * call), writes the answer as an Anthropic {@code message} or event stream, every error in Anthropic's
 * shape, and ends the call with exactly one usage event (for every call that got past authentication).
 */
public final class AnthropicMessagesHandler implements Handler {

    private static final Logger LOG = LoggerFactory.getLogger(AnthropicMessagesHandler.class);

    private final Pipeline pipeline;
    private final HttpBodies bodies;
    private final AnthropicMessagesParser parser;
    private final AnthropicErrors errors;
    private final AnthropicResponseWriter messages;
    private final AnthropicStreamWriter streams;

    public AnthropicMessagesHandler(Pipeline pipeline, HttpBodies bodies, JsonMapper json) {
        this.pipeline = pipeline;
        this.bodies = bodies;
        this.parser = new AnthropicMessagesParser(json);
        this.errors = new AnthropicErrors(json);
        this.messages = new AnthropicResponseWriter(json);
        this.streams = new AnthropicStreamWriter(pipeline, errors, json);
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
        RequestContext ctx = pipeline.newContext(requestId, Endpoint.CHAT, inbound);
        ProviderResponse response;
        try {
            response = pipeline.execute(ctx);
        } catch (GatewayException e) {
            fail(ctx, res, e);
            return;
        } catch (RuntimeException e) {
            LOG.error("request {} failed inside the gateway", requestId, e);
            fail(ctx, res, new GatewayException(500, "api_error", "internal_error", null,
                    "the gateway failed to handle this request (request id " + requestId + ")", Map.of()));
            return;
        }
        ResponseHeaders.routed(res, ctx);
        ResponseHeaders.passOn(res, response.headers());
        String model = ctx.deployment().map(Deployment::upstreamModel).orElse("");
        switch (response) {
            case ProviderResponse.Complete complete -> sendComplete(ctx, res, complete, model);
            case ProviderResponse.Streaming streaming -> streams.relay(ctx, res, streaming, model);
        }
    }

    private void sendComplete(RequestContext ctx, ServerResponse res, ProviderResponse.Complete complete, String model) {
        byte[] answer = messages.message(complete.body(), complete.usage(), model);
        // The event is settled before the body leaves, so a client that saw the answer is always billed.
        UsageEvent event = pipeline.finish(ctx, Pipeline.Outcome.ok(complete.usage()));
        ResponseHeaders.settled(res, event);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.status(Status.OK_200);
        try {
            res.send(answer);
        } catch (RuntimeException e) {
            LOG.debug("client of request {} went away before the answer was sent: {}", ctx.requestId(), e.toString());
        }
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
