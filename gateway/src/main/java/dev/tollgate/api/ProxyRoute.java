package dev.tollgate.api;

import dev.tollgate.model.UsageEvent;
import dev.tollgate.pipeline.Answer;
import dev.tollgate.pipeline.Endpoint;
import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.pipeline.Inbound;
import dev.tollgate.pipeline.Pipeline;
import dev.tollgate.pipeline.RequestContext;
import dev.tollgate.pipeline.StreamEncoder;
import dev.tollgate.provider.Deployment;
import dev.tollgate.provider.Wire;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every proxied route does whatever its dialect (OpenAI's routes, Anthropic's {@code /v1/messages},
 * and any later one): runs the call through the pipeline and writes its {@link Answer} over HTTP with the
 * {@code x-tollgate-*} and policy headers ({@code Retry-After}, {@code x-ratelimit-*}). The pipeline
 * settles the call; the route's {@link Dialect} only encodes: whole answers, stream events, errors.
 */
public final class ProxyRoute {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyRoute.class);

    /** How one inbound dialect writes answers and errors. */
    public interface Dialect {

        /** An error as this dialect's JSON body; also the data of the error event that ends a broken stream. */
        byte[] errorBody(GatewayException e);

        /** The body of a whole answer, written once the call is settled ({@code settled} is what it was billed). */
        byte[] whole(Answer.Whole answer, UsageEvent settled);

        /** The encoder of a streamed answer, writing to {@code out}. */
        StreamEncoder stream(Answer.Streamed answer, OutputStream out);

        /** The model as the upstream knows it, for answers that name none: the deployment's, or the cached answer's. */
        static String answeringModel(Answer answer) {
            return answer.ctx().deployment().map(Deployment::upstreamModel).or(() -> answer.ctx().cachedModel()).orElse("");
        }

        /**
         * Fails unless the answer is in the gateway's inner shape: only a client of the upstream's own dialect
         * (Anthropic's) is answered in another, so anything else reaching {@code client}'s dialect is a fault of the gateway.
         */
        static void requireOpenAi(Wire wire, String client) {
            if (wire != Wire.OPENAI) {
                throw new IllegalStateException("an answer in " + wire + "'s shape cannot be written to " + client);
            }
        }
    }

    private final Pipeline pipeline;
    private final HttpBodies bodies;
    private final Dialect dialect;

    public ProxyRoute(Pipeline pipeline, HttpBodies bodies, Dialect dialect) {
        this.pipeline = pipeline;
        this.bodies = bodies;
        this.dialect = dialect;
    }

    /** Serves one request of {@code endpoint}, its body parsed by {@code parser}. */
    public void serve(ServerRequest req, ServerResponse res, Endpoint endpoint, Inbound.RequestParser parser) {
        String requestId = RequestLog.requestId(req);
        res.header(ResponseHeaders.REQUEST_ID, requestId);
        Inbound inbound = Inbound.reading(name -> req.headers().first(HeaderNameCache.of(name)), () -> bodies.read(req), parser);
        RequestContext ctx = pipeline.newContext(requestId, endpoint, inbound);
        try (Answer answer = pipeline.execute(ctx)) {
            ResponseHeaders.routed(res, ctx);
            switch (answer) {
                case Answer.Failed failed -> sendError(res, failed.error());
                case Answer.Whole whole -> sendWhole(res, whole);
                case Answer.Streamed streamed -> relay(res, streamed);
            }
        }
    }

    /** Settles the answer, then sends it: a client that saw the answer is always billed. */
    private void sendWhole(ServerResponse res, Answer.Whole whole) {
        ResponseHeaders.passOn(res, whole.headers());
        UsageEvent event = whole.deliver();
        byte[] body;
        try {
            body = dialect.whole(whole, event);
        } catch (RuntimeException e) {
            LOG.error("request {} was answered, but the answer could not be written", whole.ctx().requestId(), e);
            sendError(res, new GatewayException(500, "server_error", "internal_error", null,
                    "the gateway failed to write the answer (request id " + whole.ctx().requestId() + ")", Map.of()));
            return;
        }
        ResponseHeaders.settled(res, event);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.status(Status.OK_200);
        try {
            res.send(body);
        } catch (RuntimeException e) {
            LOG.debug("client of request {} went away before the answer was sent: {}", whole.ctx().requestId(), e.toString());
        }
    }

    private void relay(ServerResponse res, Answer.Streamed streamed) {
        ResponseHeaders.passOn(res, streamed.headers());
        relay(res, streamed, out -> dialect.stream(streamed, out));
    }

    /** Relays {@code streamed} as server-sent events through the encoder made for the response's stream, then closes it. */
    static void relay(ServerResponse res, Answer.Streamed streamed, java.util.function.Function<OutputStream, StreamEncoder> encoder) {
        res.status(Status.OK_200);
        res.header(HeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        res.header("x-accel-buffering", "no");
        OutputStream out = res.outputStream();
        try {
            streamed.relay(encoder.apply(out));
        } catch (RuntimeException e) {
            // Not the client going away (the relay settles that): a fault of the gateway, settled as abandoned.
            LOG.error("stream {} failed inside the gateway", streamed.ctx().requestId(), e);
        } finally {
            try {
                out.close();
            } catch (IOException | RuntimeException e) {
                LOG.debug("stream {} ended while closing: {}", streamed.ctx().requestId(), e.toString());
            }
        }
    }

    private void sendError(ServerResponse res, GatewayException e) {
        sendError(res, e, dialect.errorBody(e));
    }

    /** An error answer: its status, its headers ({@code Retry-After}), the body in the route's dialect. */
    static void sendError(ServerResponse res, GatewayException e, byte[] body) {
        res.status(Status.create(e.status()));
        ResponseHeaders.passOn(res, e.headers());
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(body);
    }
}
