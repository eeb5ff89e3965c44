package dev.tollgate.admin;

import dev.tollgate.api.JsonEndpoint;
import dev.tollgate.api.RouteTable;
import dev.tollgate.config.CacheConfig;
import dev.tollgate.model.Principal;
import dev.tollgate.model.Scope;
import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.policy.auth.KeyIssuer;
import dev.tollgate.policy.cache.CachePolicy;
import dev.tollgate.store.ExactCacheStore;
import io.helidon.webserver.http.ServerRequest;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /governance/cache} ({@code admin} scope): {@code DELETE} removes an org's entries from every tier
 * (optionally only those of one resolved model, {@code ?model=}), audit-logged; {@code GET} shows the tiers'
 * settings for the org and, to the master key only, the stores' figures over all orgs. An org's admin acts on its
 * own org; the master key names one with {@code org_id}.
 */
public final class CacheRoutes {

    private final CachePolicy cache;
    private final KeyIssuer audit;
    private final JsonEndpoint endpoint;
    private final JsonMapper json;

    public CacheRoutes(CachePolicy cache, KeyIssuer audit, JsonEndpoint endpoint, JsonMapper json) {
        this.cache = cache;
        this.audit = audit;
        this.endpoint = endpoint;
        this.json = json;
    }

    public void register(RouteTable r) {
        r.delete("/governance/cache").tag("cache").scope(Scope.ADMIN)
                .summary("Invalidate an org's cached answers in every tier, optionally one model's only (audit-logged)")
                .query("org_id", "The org (only the master key may name one; others act on their own)")
                .query("model", "Only entries of this resolved model")
                .answers("CacheInvalidated").errors(400).json(endpoint, this::invalidate);
        r.get("/governance/cache").tag("cache").scope(Scope.ADMIN)
                .summary("The org's cache tiers (on/off, TTL, strictness); to the master key also the stores' figures")
                .query("org_id", "The org (only the master key may name one; others see their own)")
                .answers("CacheSettings").errors(400).json(endpoint, this::show);
        r.schema("CacheInvalidated", """
                type: object
                required: [org_id, removed]
                properties:
                  org_id: {type: string}
                  model: {type: [string, 'null']}
                  removed:
                    type: object
                    properties:
                      exact_and_workflow: {type: integer}
                      semantic: {type: integer}
                      total: {type: integer}
                """);
        r.schema("CacheSettings", """
                type: object
                required: [org_id, tiers]
                properties:
                  org_id: {type: string}
                  tiers:
                    type: object
                    additionalProperties:
                      type: object
                      properties:
                        enabled: {type: boolean}
                        ttl_seconds: {type: integer}
                        strictness: {type: string}
                        state: {type: string}
                  stores: {type: object, description: 'Only for the master key: entries and bytes per store'}
                """);
    }

    private JsonNode invalidate(ServerRequest req, Principal caller) {
        String org = org(req, caller);
        Optional<String> model = AnalyticsRoutes.text(req, "model");
        if (model.isPresent() && (model.get().length() > 256 || model.get().chars().anyMatch(c -> c < 0x20 || c == 0x7f))) {
            throw GatewayException.badRequest("model", "model: '" + AnalyticsRoutes.shortly(model.get())
                    + "' (expected: a model name as calls name it, such as gpt-4o-mini)");
        }
        CachePolicy.Invalidated removed = cache.invalidate(org, model);
        ObjectNode details = json.createObjectNode().put("model", model.orElse(null))
                .put("exact_and_workflow", removed.exactAndWorkflow()).put("semantic", removed.semantic());
        audit.audit(caller.keyId(), org, "cache.invalidate", model.orElse("*"), json.writeValueAsString(details));
        ObjectNode out = json.createObjectNode().put("org_id", org).put("model", model.orElse(null));
        out.putObject("removed").put("exact_and_workflow", removed.exactAndWorkflow()).put("semantic", removed.semantic())
                .put("total", removed.exactAndWorkflow() + removed.semantic());
        return out;
    }

    private JsonNode show(ServerRequest req, Principal caller) {
        String org = org(req, caller);
        CacheConfig.Settings s = cache.settings(org);
        ObjectNode out = json.createObjectNode().put("org_id", org);
        ObjectNode tiers = out.putObject("tiers");
        tier(tiers.putObject("exact"), s.exact());
        tier(tiers.putObject("semantic"), s.semantic()).put("strictness", s.strictness()).put("state", cache.semanticState());
        tier(tiers.putObject("workflow"), s.workflow());
        if (caller.allOrgs()) {
            ExactCacheStore.Stats exact = cache.exactStats();
            CachePolicy.SemanticStats semantic = cache.semanticStats();
            ObjectNode stores = out.putObject("stores");
            stores.putObject("exact_and_workflow").put("entries", exact.entries()).put("bytes", exact.bytes()).put("max_bytes", exact.maxBytes());
            stores.putObject("semantic").put("entries", semantic.entries()).put("bytes", semantic.bytes())
                    .put("max_entries", semantic.maxEntries()).put("dropped_puts", semantic.droppedPuts());
        }
        return out;
    }

    private static ObjectNode tier(ObjectNode into, CacheConfig.Tier tier) {
        return into.put("enabled", tier.enabled()).put("ttl_seconds", tier.ttl().toSeconds());
    }

    /** The caller's org; the master key must name one ({@code org_id}), an org's admin may only name its own. */
    private static String org(ServerRequest req, Principal caller) {
        Optional<String> asked = AnalyticsRoutes.text(req, "org_id");
        if (caller.allOrgs()) {
            return asked.orElseThrow(() -> GatewayException.badRequest("org_id",
                    "org_id: missing (expected: the org whose cache this is; the master key acts on any org, so it names one)"));
        }
        if (asked.isPresent() && !asked.get().equals(caller.orgId())) {
            throw GatewayException.forbidden("org_not_allowed", "this key may only manage its own org's cache");
        }
        return caller.orgId();
    }
}
