package dev.tollgate.api;

import dev.tollgate.api.openai.OpenAiErrors;
import dev.tollgate.model.Principal;
import dev.tollgate.model.Scope;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.pipeline.Answer;
import dev.tollgate.pipeline.Endpoint;
import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.pipeline.Inbound;
import dev.tollgate.pipeline.Pipeline;
import dev.tollgate.pipeline.RequestContext;
import dev.tollgate.pipeline.StreamEncoder;
import dev.tollgate.policy.auth.AuthStage;
import dev.tollgate.policy.auth.Authenticator;
import dev.tollgate.policy.budget.CostCeilingStage;
import dev.tollgate.policy.cache.WorkflowStep;
import dev.tollgate.provider.Chunk;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /infer}, Tollgate's native call: a prompt (or messages) and how to route it, answered with the text
 * and what the call cost, would have cost without routing, and why it went where it went. The body is checked
 * ({@link InferRequest}: 400 naming the field), turned into a chat call whose routing fields travel as the chat
 * routes' headers, run through {@link Pipeline#execute}, and the {@link Answer} delivered here: whole as JSON, or
 * with {@code stream: true} as OpenAI {@code chat.completion.chunk} events followed by one {@code tollgate.infer}
 * event with the answer's fields and {@code [DONE]}. Errors are OpenAI's shape.
 */
public final class InferRoute {

    private static final Logger LOG = LoggerFactory.getLogger(InferRoute.class);

    private final Authenticator authenticator;
    private final Pipeline pipeline;
    private final Inbound.RequestParser parser;
    private final OpenAiErrors errors;
    private final JsonMapper json;

    /** What the route is built from. */
    public record Parts(Authenticator authenticator, Pipeline pipeline, Inbound.RequestParser parser, OpenAiErrors errors,
                        JsonMapper json) {
    }

    public InferRoute(Parts parts) {
        this.authenticator = parts.authenticator();
        this.pipeline = parts.pipeline();
        this.parser = parts.parser();
        this.errors = parts.errors();
        this.json = parts.json();
    }

    public void register(RouteTable r, HttpBodies bodies) {
        r.post("/infer").tag("tollgate").scope(Scope.INFER)
                .summary("Run a prompt with autopilot, guided or explicit routing; answers the text, its cost and the routing-free cost")
                .description("routing_mode autopilot (the cheapest good-enough candidate), guided (quality_preference and latency_preference "
                        + "move the operating point) or explicit (model_override). stream: true answers OpenAI chat.completion.chunk events, "
                        + "then one tollgate.infer event with the answer's fields, then [DONE].")
                .accepts("InferRequest").answers("InferAnswer").errors(400, 403, 404, 429, 502, 503, 504)
                .handle((req, res) -> handle(req, res, bodies));
        InferSchemas.register(r);
    }

    private void handle(ServerRequest req, ServerResponse res, HttpBodies bodies) {
        try {
            Principal caller = AuthStage.check(authenticator, Scope.INFER, name -> req.headers().first(HeaderNames.create(name)));
            InferRequest infer = InferRequest.parse(read(bodies.read(req)), caller);
            RequestContext ctx = pipeline.newContext(RequestLog.requestId(req), Endpoint.CHAT, inbound(req, infer));
            if (infer.taskId() != null || infer.step() != null) {
                WorkflowStep.request(ctx, infer.taskId(), infer.step());
            }
            try (Answer answer = pipeline.execute(ctx)) {
                ResponseHeaders.routed(res, ctx);
                switch (answer) {
                    case Answer.Failed failed -> sendError(res, failed.error());
                    case Answer.Whole whole -> sendWhole(res, whole);
                    case Answer.Streamed streamed -> relay(res, streamed);
                }
            }
        } catch (GatewayException e) {
            sendError(res, e);
        }
    }

    private JsonNode read(byte[] raw) {
        try {
            JsonNode root = json.readTree(raw);
            if (root == null || !root.isObject()) {
                throw GatewayException.badRequest(null, "body: expected a JSON object with prompt or messages");
            }
            return root;
        } catch (JacksonException e) {
            throw GatewayException.badRequest(null, "body: not valid JSON (" + e.getOriginalMessage() + ")");
        }
    }

    /** The chat call: the body's routing fields as the chat routes' headers (a field wins over a header the client sent). */
    private Inbound inbound(ServerRequest req, InferRequest infer) {
        Map<String, String> fields = infer.headers();
        return new Inbound(name -> {
            for (Map.Entry<String, String> e : fields.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    return Optional.of(e.getValue());
                }
            }
            return req.headers().first(HeaderNames.create(name));
        }, json.writeValueAsBytes(infer.chat(json)), parser);
    }

    private void sendWhole(ServerResponse res, Answer.Whole whole) {
        UsageEvent event = whole.deliver();
        ObjectNode answer = answer(whole.ctx(), event);
        answer.put("text", text(whole.body()));
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.status(Status.OK_200);
        try {
            res.send(json.writeValueAsBytes(answer));
        } catch (RuntimeException e) {
            LOG.debug("client of request {} went away before the answer was sent: {}", whole.ctx().requestId(), e.toString());
        }
    }

    private String text(byte[] completion) {
        try {
            return json.readTree(completion).path("choices").path(0).path("message").path("content").asString(null);
        } catch (JacksonException e) {
            return null;
        }
    }

    /** The answer's fields besides the text. */
    ObjectNode answer(RequestContext ctx, UsageEvent event) {
        ObjectNode root = json.createObjectNode().put("request_id", event.requestId()).put("model_used", event.model())
                .put("provider", event.provider());
        Double cost = event.priceKnown() ? event.costUsd() : null;
        root.put("cost", cost);
        root.put("predicted_cost", ctx.get(CostCeilingStage.PREDICTED).orElse(null));
        Double without = withoutRouting(ctx, event);
        root.put("estimated_cost_without_routing", without);
        root.put("savings", without == null || cost == null ? null : Math.max(0, without - cost));
        root.put("cache_hit", ctx.fromCache()).put("cache_tier", ctx.cacheTier());
        root.put("routing_reason", ctx.routingReason().orElse(null));
        root.putObject("usage").put("input_tokens", event.usage().inputTokens()).put("output_tokens", event.usage().outputTokens())
                .put("total_tokens", event.usage().totalTokens());
        root.put("latency_ms", event.latencyMs());
        return root;
    }

    /** The routing-free cost the call was settled with ({@link UsageEvent#routingFreeCostUsd}); on a cache hit, what the cache avoided. */
    private static Double withoutRouting(RequestContext ctx, UsageEvent event) {
        if (ctx.fromCache()) {
            return ctx.savedUsd();
        }
        return event.priceKnown() ? event.routingFreeCostUsd() : null;
    }

    private void relay(ServerResponse res, Answer.Streamed streamed) {
        ProxyRoute.relay(res, streamed, out -> new Encoder(out, streamed.ctx()));
    }

    /** OpenAI chunks as they come, then the {@code tollgate.infer} event (the answer's fields, the text whole) and {@code [DONE]}. */
    private final class Encoder implements StreamEncoder {
        private final OutputStream out;
        private final RequestContext ctx;
        private final StringBuilder text = new StringBuilder();

        Encoder(OutputStream out, RequestContext ctx) {
            this.out = out;
            this.ctx = ctx;
        }

        @Override
        public void chunk(Chunk chunk) throws IOException {
            write(null, chunk.json());
            JsonNode delta = json.readTree(chunk.json()).path("choices").path(0).path("delta").path("content");
            if (delta.isString()) {
                text.append(delta.asString());
            }
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void end(UsageEvent settled) throws IOException {
            ObjectNode summary = answer(ctx, settled).put("object", "tollgate.infer").put("text", text.toString());
            write("tollgate.infer", json.writeValueAsBytes(summary));
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        @Override
        public void failed(GatewayException error) throws IOException {
            write("error", errors.body(error));
            out.flush();
        }

        private void write(String event, byte[] data) throws IOException {
            if (event != null) {
                out.write(("event: " + event + "\n").getBytes(StandardCharsets.US_ASCII));
            }
            out.write("data: ".getBytes(StandardCharsets.US_ASCII));
            out.write(data);
            out.write("\n\n".getBytes(StandardCharsets.US_ASCII));
        }
    }

    private void sendError(ServerResponse res, GatewayException e) {
        ProxyRoute.sendError(res, e, errors.body(e));
    }
}
