package dev.tollgate.api.openai;

import dev.tollgate.model.Scope;
import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.policy.auth.AuthStage;
import dev.tollgate.policy.auth.Authenticator;
import dev.tollgate.policy.routing.ModelCatalog;
import dev.tollgate.policy.routing.ModelProfile;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code GET /v1/models}: the models this gateway serves, in OpenAI's list shape, each model with what the catalog
 * knows of it (extra fields: {@code pricing}, {@code context_window}, {@code max_output_tokens}, {@code capabilities},
 * {@code quality}, {@code tier}, {@code deployments} with observed latency and circuit state). Built per request, so
 * latency is current.
 */
public final class ModelsHandler implements Handler {

    private final Authenticator authenticator;
    private final OpenAiErrors errors;
    private final JsonMapper json;
    private final Map<String, String> models;
    private final ModelCatalog catalog;

    /** @param models model name → the provider that serves it */
    public ModelsHandler(Authenticator authenticator, OpenAiErrors errors, JsonMapper json, Map<String, String> models, ModelCatalog catalog) {
        this.authenticator = authenticator;
        this.errors = errors;
        this.json = json;
        this.models = Map.copyOf(new java.util.LinkedHashMap<>(models));
        this.catalog = catalog;
        this.order = java.util.List.copyOf(models.keySet());
    }

    private final java.util.List<String> order;

    private byte[] body() {
        ObjectNode root = json.createObjectNode().put("object", "list");
        ArrayNode data = root.putArray("data");
        for (String id : order) {
            ObjectNode m = data.addObject().put("id", id).put("object", "model").put("created", 0).put("owned_by", models.get(id));
            if (catalog.isAlias(id)) {
                m.putArray("alias_of").addAll(catalog.targets(id).stream().map(json.getNodeFactory()::textNode).toList());
            } else {
                describe(m, catalog.profile(id));
            }
        }
        return json.writeValueAsBytes(root);
    }

    static void describe(ObjectNode m, ModelProfile p) {
        if (p.priceKnown()) {
            m.putObject("pricing").put("input_usd_per_million_tokens", p.inputPerToken() * 1e6)
                    .put("output_usd_per_million_tokens", p.outputPerToken() * 1e6);
        } else {
            m.putNull("pricing");
        }
        m.put("context_window", p.contextWindow() > 0 ? p.contextWindow() : null);
        m.put("max_output_tokens", p.maxOutputTokens() > 0 ? p.maxOutputTokens() : null);
        m.putObject("capabilities").put("tools", p.capabilities().tools()).put("vision", p.capabilities().vision())
                .put("json_mode", p.capabilities().json());
        m.put("quality", p.quality()).put("tier", p.strong() ? "strong" : "weak");
        ArrayNode deployments = m.putArray("deployments");
        for (ModelProfile.DeploymentHealth d : p.deployments()) {
            ObjectNode n = deployments.addObject().put("provider", d.deployment().providerName()).put("upstream_model", d.deployment().upstreamModel())
                    .put("circuit", d.circuit().name().toLowerCase(java.util.Locale.ROOT));
            var l = d.latency();
            ObjectNode latency = n.putObject("latency").put("samples", l.samples());
            if (l.known()) {
                latency.put("total_p50_ms", l.totalP50()).put("total_p95_ms", l.totalP95());
                if (l.ttftP50() >= 0) {
                    latency.put("ttft_p50_ms", l.ttftP50()).put("ttft_p95_ms", l.ttftP95());
                }
            }
        }
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        try {
            AuthStage.check(authenticator, Scope.INFER, name -> req.headers().first(HeaderNames.create(name)));
        } catch (GatewayException e) {
            res.status(Status.create(e.status()));
            res.send(errors.body(e));
            return;
        }
        res.send(body());
    }
}
