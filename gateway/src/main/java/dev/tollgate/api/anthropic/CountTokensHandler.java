package dev.tollgate.api.anthropic;

import dev.tollgate.api.HttpBodies;
import dev.tollgate.api.RequestLog;
import dev.tollgate.api.ResponseHeaders;
import dev.tollgate.model.ChatRequest;
import dev.tollgate.model.Principal;
import dev.tollgate.model.Scope;
import dev.tollgate.model.ToolDefinition;
import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.policy.auth.AuthStage;
import dev.tollgate.policy.auth.Authenticator;
import dev.tollgate.policy.routing.ModelCatalog;
import dev.tollgate.provider.Deployment;
import dev.tollgate.provider.TokenCountCapable;
import dev.tollgate.provider.UpstreamException;
import dev.tollgate.usage.TokenCounter;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /v1/messages/count_tokens} in Anthropic's shape ({@code {"input_tokens": N}}), for the model
 * the request names (or the default model): an Anthropic upstream counts it itself; for any other
 * upstream, or when Anthropic cannot count, the local tokenizer estimates it. The header
 * {@code x-tollgate-token-count} says which ({@code upstream} or {@code estimated}). Counting is not a
 * model call: it runs outside the pipeline, so it records no usage event, charges no budget and takes
 * nothing from rate limits. The scope is {@code /v1/messages}' ({@code infer}); errors are Anthropic's.
 */
public final class CountTokensHandler implements Handler {

    public static final String SOURCE_HEADER = "x-tollgate-token-count";
    private static final Logger LOG = LoggerFactory.getLogger(CountTokensHandler.class);

    /** What counting needs besides the body. */
    public record Parts(Authenticator authenticator, HttpBodies bodies, ModelCatalog catalog, TokenCounter tokens, String defaultModel) {
    }

    private final Parts parts;
    private final AnthropicMessagesParser parser;
    private final AnthropicErrors errors;
    private final JsonMapper json;

    public CountTokensHandler(Parts parts, JsonMapper json) {
        this.parts = parts;
        this.parser = new AnthropicMessagesParser(json);
        this.errors = new AnthropicErrors(json);
        this.json = json;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        res.header(ResponseHeaders.REQUEST_ID, RequestLog.requestId(req));
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        try {
            Principal caller = AuthStage.check(parts.authenticator(), Scope.INFER, name -> req.headers().first(HeaderNames.create(name)));
            ChatRequest request = parse(parts.bodies().read(req));
            String model = request.model().filter(m -> !m.equals("auto") && !m.equals("tollgate")).orElse(parts.defaultModel());
            Deployment target = target(model, caller);
            boolean upstream = target.adapter() instanceof TokenCountCapable;
            long count = upstream ? upstreamCount(target, request) : -1;
            if (count < 0) {
                upstream = false;
                count = estimate(target.upstreamModel(), request);
            }
            ResponseHeaders.passOn(res, Map.of(SOURCE_HEADER, upstream ? "upstream" : "estimated",
                    "x-tollgate-provider", target.providerName(), "x-tollgate-model", target.upstreamModel()));
            res.send(json.writeValueAsBytes(json.createObjectNode().put("input_tokens", count)));
        } catch (GatewayException e) {
            res.status(Status.create(e.status()));
            ResponseHeaders.passOn(res, e.headers());
            res.send(errors.body(e));
        }
    }

    /** A messages request without {@code max_tokens}, which a count does not take. */
    private ChatRequest parse(byte[] body) {
        ObjectNode root = dev.tollgate.api.openai.JsonFields.object(json, body);
        if (!root.has("max_tokens")) {
            root.put("max_tokens", 1);
        }
        return parser.parse(json.writeValueAsBytes(root));
    }

    private Deployment target(String model, Principal caller) {
        if (!caller.allowedModels().isEmpty() && !caller.allowedModels().contains(model)) {
            throw GatewayException.forbidden("model_not_allowed", "model '" + model + "' is not allowed for this key");
        }
        for (String name : parts.catalog().targets(model)) {
            List<Deployment> deployments = parts.catalog().resolve(name);
            if (!deployments.isEmpty()) {
                return deployments.getFirst();
            }
        }
        throw GatewayException.notFound("model_not_found", "model", "model '" + model + "' is not served by any configured provider");
    }

    /** The upstream's count, or -1 when it could not count (the estimate stands in; the header says so). */
    private long upstreamCount(Deployment target, ChatRequest request) {
        try {
            return ((TokenCountCapable) target.adapter()).countTokens(request, target.upstreamModel());
        } catch (UpstreamException e) {
            LOG.warn("{} could not count tokens ({}); answering the local estimate", target.providerName(), e.getMessage());
            return -1;
        }
    }

    private long estimate(String model, ChatRequest request) {
        long count = parts.tokens().countPrompt(model, request.messages());
        for (ToolDefinition tool : request.tools()) {
            count += parts.tokens().count(model, tool.name() + " " + tool.description() + " " + tool.parametersJson());
        }
        return count;
    }
}
