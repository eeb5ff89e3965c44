package dev.tollgate.api;

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
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every proxied route does whatever its dialect (OpenAI's routes, Anthropic's {@code /v1/messages}):
 * reads the body, runs the pipeline, and sends errors, each in the dialect's shape with the headers the
 * policies set ({@code Retry-After}, {@code x-ratelimit-*}); settles every call that got past
 * authentication with exactly one usage event. The route's handler writes the answer in its dialect.
 */
public final class ProxyRoute {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyRoute.class);

    /** How a dialect writes an error body, and the error type it gives the gateway's own failures. */
    public interface ErrorShape {

        byte[] body(GatewayException e);

        String internalErrorType();
    }

    /** A call the pipeline answered: its context and the provider's response, still to be written. */
    public record Answered(RequestContext ctx, ProviderResponse response) {
    }

    private final Pipeline pipeline;
    private final HttpBodies bodies;
    private final ErrorShape errors;

    public ProxyRoute(Pipeline pipeline, HttpBodies bodies, ErrorShape errors) {
        this.pipeline = pipeline;
        this.bodies = bodies;
        this.errors = errors;
    }

    /** Writes an answered call in the route's dialect; settles it (through {@link #sendComplete} or a stream writer). */
    @FunctionalInterface
    public interface AnswerWriter {
        void write(Answered call);
    }

    /**
     * Serves one request: runs the pipeline, then has {@code writer} write the answer. A call whose
     * writing ended without settling it (an unexpected failure while answering) is still ended once, as
     * {@code abandoned}, so its reservations are released and it is recorded.
     */
    public void serve(ServerRequest req, ServerResponse res, Endpoint endpoint, Inbound.RequestParser parser, AnswerWriter writer) {
        Optional<Answered> answered = run(req, res, endpoint, parser);
        if (answered.isEmpty()) {
            return;
        }
        RequestContext ctx = answered.get().ctx();
        try {
            writer.write(answered.get());
        } finally {
            if (!ctx.finished()) {
                LOG.warn("request {} ended without being settled; recording it as abandoned", ctx.requestId());
                pipeline.finish(ctx, new Pipeline.Outcome(499, Usage.NONE, "abandoned"));
            }
        }
    }

    /**
     * Reads the request and runs the pipeline. Returns the answered call, its routing and policy headers
     * already set; or empty when it failed, the error already sent (and settled).
     */
    private Optional<Answered> run(ServerRequest req, ServerResponse res, Endpoint endpoint, Inbound.RequestParser parser) {
        String requestId = ResponseHeaders.requestId(req.headers().first(HeaderNames.create(ResponseHeaders.REQUEST_ID)).orElse(null));
        res.header(ResponseHeaders.REQUEST_ID, requestId);
        byte[] body;
        try {
            body = bodies.read(req);
        } catch (GatewayException e) {
            sendError(res, e);
            return Optional.empty();
        }
        Inbound inbound = new Inbound(name -> req.headers().first(HeaderNames.create(name)), body, parser);
        RequestContext ctx = pipeline.newContext(requestId, endpoint, inbound);
        ProviderResponse response;
        try {
            response = pipeline.execute(ctx);
        } catch (GatewayException e) {
            fail(ctx, res, e);
            return Optional.empty();
        } catch (RuntimeException e) {
            LOG.error("request {} failed inside the gateway", requestId, e);
            fail(ctx, res, new GatewayException(500, errors.internalErrorType(), "internal_error", null,
                    "the gateway failed to handle this request (request id " + requestId + ")", Map.of()));
            return Optional.empty();
        }
        ResponseHeaders.routed(res, ctx);
        ResponseHeaders.passOn(res, response.headers());
        return Optional.of(new Answered(ctx, response));
    }

    /** Settles a whole answer, then sends {@code body}: a client that saw the answer is always billed. */
    public void sendComplete(RequestContext ctx, ServerResponse res, Usage usage, byte[] body) {
        UsageEvent event = pipeline.finish(ctx, Pipeline.Outcome.ok(usage));
        ResponseHeaders.settled(res, event);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.status(Status.OK_200);
        try {
            res.send(body);
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
