package dev.tollgate.admin;

import dev.tollgate.api.HttpBodies;
import dev.tollgate.api.JsonEndpoint;
import dev.tollgate.api.RouteTable;
import dev.tollgate.model.ApiKey;
import dev.tollgate.model.AuditEntry;
import dev.tollgate.model.Org;
import dev.tollgate.model.Principal;
import dev.tollgate.model.RateLimits;
import dev.tollgate.model.Scope;
import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.policy.auth.KeyIssuer;
import dev.tollgate.policy.auth.StoredKeyAuthenticator;
import dev.tollgate.store.KeyStore;
import io.helidon.webserver.http.ServerRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /governance/orgs}, {@code /governance/api-keys} (create, list, revoke, rotate) and
 * {@code /governance/audit}, all with the {@code admin} scope. An org's admin keys manage that org only;
 * the master key manages every org. A key of another org is "not found", never "forbidden", so ids
 * cannot be probed. Every change is audit-logged; secrets appear only in the answer that creates them.
 */
public final class GovernanceRoutes {

    private static final Set<String> KEY_FIELDS = Set.of("org_id", "name", "scopes", "allowed_models", "default_agent",
            "default_feature", "expires_at", "expires_in_days", "limits");

    private final KeyStore store;
    private final KeyIssuer issuer;
    private final StoredKeyAuthenticator keys;
    private final JsonEndpoint endpoint;
    private final JsonMapper json;
    private final HttpBodies bodies;
    private final Clock clock;

    /** What the governance routes work with. */
    public record Parts(KeyStore store, KeyIssuer issuer, StoredKeyAuthenticator keys, HttpBodies bodies, Clock clock) {
    }

    public GovernanceRoutes(Parts parts, JsonEndpoint endpoint, JsonMapper json) {
        this.store = parts.store();
        this.issuer = parts.issuer();
        this.keys = parts.keys();
        this.bodies = parts.bodies();
        this.clock = parts.clock();
        this.endpoint = endpoint;
        this.json = json;
    }

    public void register(RouteTable r) {
        String id = "The key's id";
        r.get("/governance/orgs").tag("governance").scope(Scope.ADMIN).summary("The orgs this key may administer")
                .answers("OrgList").json(endpoint, this::listOrgs);
        r.post("/governance/orgs").tag("governance").scope(Scope.ADMIN).summary("Create an org (the master key only)")
                .accepts("OrgRequest").answers("Org").errors(400, 409).json(endpoint, this::createOrg);
        r.get("/governance/api-keys").tag("governance").scope(Scope.ADMIN).summary("List keys (never their secrets)")
                .query("org_id", "One org's keys (only the master key may name another org)").answers("ApiKeyList").errors(400)
                .json(endpoint, this::listKeys);
        r.post("/governance/api-keys").tag("governance").scope(Scope.ADMIN).summary("Create a key; its secret is in this answer only")
                .accepts("ApiKeyRequest").answers("IssuedApiKey").errors(400, 404).json(endpoint, this::createKey);
        r.patch("/governance/api-keys/{id}").tag("governance").scope(Scope.ADMIN).summary("Change a key's rate limits")
                .pathParam("id", id).accepts("ApiKeyLimitsRequest").answers("ApiKey").errors(400, 404).json(endpoint, this::updateKey);
        r.post("/governance/api-keys/{id}/revoke").tag("governance").scope(Scope.ADMIN).summary("Revoke a key (refused within 5 s everywhere)")
                .pathParam("id", id).answers("Revoked").errors(404).json(endpoint, this::revoke);
        r.post("/governance/api-keys/{id}/rotate").tag("governance").scope(Scope.ADMIN)
                .summary("Replace a key by a new one with the same settings; the old one is revoked")
                .pathParam("id", id).answers("IssuedApiKey").errors(404, 409).json(endpoint, this::rotate);
        r.get("/governance/audit").tag("governance").scope(Scope.ADMIN).summary("The audit log of admin actions, newest first")
                .query("org_id", "One org's entries").query("limit", "At most this many (default 100)", "{type: integer, minimum: 1, maximum: 1000}")
                .answers("AuditLog").errors(400).json(endpoint, this::audit);
        GovernanceSchemas.declare(r);
    }

    private JsonNode listOrgs(ServerRequest req, Principal caller) {
        ArrayNode data = json.createArrayNode();
        store.orgs().stream().filter(o -> caller.mayActOn(o.id())).forEach(o -> data.add(org(o)));
        return json.createObjectNode().set("data", data);
    }

    private JsonNode createOrg(ServerRequest req, Principal caller) {
        if (!caller.allOrgs()) {
            throw GatewayException.forbidden("missing_scope", "only the master key creates orgs");
        }
        JsonNode body = object(req, Set.of("id", "name"));
        String name = requiredText(body, "name", 128);
        String id = text(body, "id", 63).orElseGet(() -> slug(name));
        Org org = new Org(id, name, clock.instant());
        try {
            if (!issuer.createOrg(org, caller.keyId())) {
                throw new GatewayException(409, "invalid_request_error", "org_exists", "id", "org '" + id + "' exists already", java.util.Map.of());
            }
        } catch (IllegalArgumentException e) {
            throw GatewayException.badRequest("id", e.getMessage());
        }
        return org(org);
    }

    private JsonNode listKeys(ServerRequest req, Principal caller) {
        Optional<String> org = AnalyticsRoutes.text(req, "org_id");
        if (org.isPresent() && !caller.mayActOn(org.get())) {
            throw GatewayException.forbidden("org_not_allowed", "this key may only manage its own org");
        }
        Optional<String> scope = caller.allOrgs() ? org : Optional.of(caller.orgId());
        ArrayNode data = json.createArrayNode();
        store.keys(scope).forEach(k -> data.add(key(k)));
        return json.createObjectNode().set("data", data);
    }

    private JsonNode createKey(ServerRequest req, Principal caller) {
        JsonNode body = object(req, KEY_FIELDS);
        String org = text(body, "org_id", 63).orElse(caller.orgId());
        if (!caller.mayActOn(org) || store.org(org).isEmpty()) {
            throw GatewayException.notFound("org_not_found", "org_id", "org '" + org + "' not found");
        }
        KeyIssuer.KeySpec spec = new KeyIssuer.KeySpec(org, requiredText(body, "name", 128), scopes(body),
                strings(body, "allowed_models"), text(body, "default_agent", 128), text(body, "default_feature", 128), expiry(body),
                KeyLimitsJson.parse(body).orElse(RateLimits.NONE));
        KeyIssuer.Issued issued = issuer.create(spec, caller.keyId());
        return key(issued.key()).put("key", issued.secret());
    }

    /** Changes what may change without a new secret: the key's rate limits. */
    private JsonNode updateKey(ServerRequest req, Principal caller) {
        ApiKey key = ownKey(req, caller);
        JsonNode body = object(req, Set.of("limits"));
        RateLimits limits = KeyLimitsJson.parse(body)
                .orElseThrow(() -> GatewayException.badRequest("limits", "limits: missing (expected: {\"rpm\": N, \"tpm\": N})"));
        issuer.updateRateLimits(key, limits, caller.keyId());
        keys.invalidate();
        return key(key.withRateLimits(limits));
    }

    private JsonNode revoke(ServerRequest req, Principal caller) {
        ApiKey key = ownKey(req, caller);
        issuer.revoke(key, caller.keyId());
        keys.invalidate();
        return json.createObjectNode().put("id", key.id()).put("revoked", true);
    }

    private JsonNode rotate(ServerRequest req, Principal caller) {
        ApiKey key = ownKey(req, caller);
        if (key.revoked()) {
            throw new GatewayException(409, "invalid_request_error", "key_revoked", null, "key " + key.id() + " is revoked", java.util.Map.of());
        }
        KeyIssuer.Issued issued = issuer.rotate(key, caller.keyId());
        keys.invalidate();
        return key(issued.key()).put("key", issued.secret()).put("replaces", key.id());
    }

    private JsonNode audit(ServerRequest req, Principal caller) {
        Optional<String> org = AnalyticsRoutes.text(req, "org_id");
        if (org.isPresent() && !caller.mayActOn(org.get())) {
            throw GatewayException.forbidden("org_not_allowed", "this key may only read its own org's audit log");
        }
        int limit = AnalyticsRoutes.intParam(req, "limit", 100, 1, 1_000);
        ArrayNode data = json.createArrayNode();
        for (AuditEntry e : store.audit(caller.allOrgs() ? org : Optional.of(caller.orgId()), limit)) {
            data.addObject().put("time", e.time().toString()).put("actor", e.actorKeyId()).put("org_id", e.orgId())
                    .put("action", e.action()).put("target", e.target()).set("details", details(e.details()));
        }
        return json.createObjectNode().set("data", data);
    }

    private ApiKey ownKey(ServerRequest req, Principal caller) {
        String id = req.path().pathParameters().get("id");
        return store.key(id).filter(k -> caller.mayActOn(k.orgId()))
                .orElseThrow(() -> GatewayException.notFound("key_not_found", "id", "API key '" + shortly(id) + "' not found"));
    }

    ObjectNode key(ApiKey k) {
        ObjectNode n = json.createObjectNode().put("id", k.id()).put("org_id", k.orgId()).put("name", k.name()).put("prefix", k.prefix());
        ArrayNode scopes = n.putArray("scopes");
        k.scopes().stream().map(s -> s.name().toLowerCase(Locale.ROOT)).sorted().forEach(scopes::add);
        ArrayNode models = n.putArray("allowed_models");
        k.allowedModels().stream().sorted().forEach(models::add);
        n.put("default_agent", k.defaultAgent().orElse(null)).put("default_feature", k.defaultFeature().orElse(null))
                .put("expires_at", k.expiresAt().map(Instant::toString).orElse(null)).put("created_at", k.createdAt().toString())
                .put("last_used_at", k.lastUsedAt().map(Instant::toString).orElse(null)).put("revoked", k.revoked());
        KeyLimitsJson.write(n.putObject("limits"), k.rateLimits());
        return n;
    }

    ObjectNode org(Org o) {
        ObjectNode out = json.createObjectNode().put("id", o.id()).put("name", o.name()).put("created_at", o.createdAt().toString());
        o.contactEmail().ifPresent(email -> out.put("contact_email", email));
        return out;
    }

    JsonNode object(ServerRequest req, Set<String> allowed) {
        byte[] body = bodies.read(req);
        JsonNode root;
        try {
            root = body.length == 0 ? json.createObjectNode() : json.readTree(body);
        } catch (JacksonException e) {
            throw GatewayException.badRequest(null, "request body is not valid JSON (expected: a JSON object)");
        }
        if (!root.isObject()) {
            throw GatewayException.badRequest(null, "request body must be a JSON object");
        }
        for (String name : root.propertyNames()) {
            if (!allowed.contains(name)) {
                throw GatewayException.badRequest(name, name + ": unknown field (expected one of: " + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
            }
        }
        return root;
    }

    static String requiredText(JsonNode body, String field, int max) {
        return text(body, field, max).orElseThrow(() -> GatewayException.badRequest(field, field + ": missing (expected: a string)"));
    }

    static Optional<String> text(JsonNode body, String field, int max) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isString() || v.asString().isBlank() || v.asString().length() > max || v.asString().chars().anyMatch(c -> c < 0x20)) {
            throw GatewayException.badRequest(field, field + ": expected a string of 1 to " + max + " printable characters");
        }
        return Optional.of(v.asString().strip());
    }

    private static Set<Scope> scopes(JsonNode body) {
        Set<String> names = strings(body, "scopes");
        if (names.isEmpty()) {
            return Set.of(Scope.INFER);
        }
        Set<Scope> out = new LinkedHashSet<>();
        for (String name : names) {
            try {
                out.add(Scope.valueOf(name.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw GatewayException.badRequest("scopes", "scopes: '" + shortly(name) + "' (expected: infer, analytics or admin)");
            }
        }
        return out;
    }

    private static Set<String> strings(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return Set.of();
        }
        if (!v.isArray()) {
            throw GatewayException.badRequest(field, field + ": expected an array of strings");
        }
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode item : v) {
            if (!item.isString() || item.asString().isBlank() || item.asString().length() > 256) {
                throw GatewayException.badRequest(field, field + ": expected an array of non-empty strings");
            }
            out.add(item.asString());
        }
        return out;
    }

    private Optional<Instant> expiry(JsonNode body) {
        Optional<String> at = text(body, "expires_at", 64);
        JsonNode days = body.get("expires_in_days");
        if (at.isPresent() && days != null && !days.isNull()) {
            throw GatewayException.badRequest("expires_at", "give expires_at or expires_in_days, not both");
        }
        if (days != null && !days.isNull()) {
            if (!days.isIntegralNumber() || !days.canConvertToLong() || days.asLong() < 1 || days.asLong() > 36_500) {
                throw GatewayException.badRequest("expires_in_days", "expires_in_days: expected a whole number from 1 to 36500");
            }
            return Optional.of(clock.instant().plus(Duration.ofDays(days.asLong())));
        }
        if (at.isEmpty()) {
            return Optional.empty();
        }
        try {
            Instant t = Instant.parse(at.get());
            if (!t.isAfter(clock.instant())) {
                throw GatewayException.badRequest("expires_at", "expires_at: in the past (expected: a future ISO-8601 instant)");
            }
            return Optional.of(t);
        } catch (java.time.format.DateTimeParseException e) {
            throw GatewayException.badRequest("expires_at", "expires_at: expected an ISO-8601 instant such as 2027-01-01T00:00:00Z");
        }
    }

    private JsonNode details(String text) {
        try {
            return text == null ? json.createObjectNode() : json.readTree(text);
        } catch (JacksonException e) {
            return json.getNodeFactory().stringNode(text);
        }
    }

    /** An org id from a name: lower-case letters, digits and '-', plus a random tail so names may repeat. */
    static String slug(String name) {
        String base = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-+|-+$)", "");
        if (base.isEmpty()) {
            base = "org";
        }
        base = base.length() > 40 ? base.substring(0, 40) : base;
        return base + "-" + Long.toString(java.util.concurrent.ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36 * 36, 36L * 36 * 36 * 36 * 36 * 36), 36);
    }

    private static String shortly(String text) {
        return text.length() > 64 ? text.substring(0, 64) + "…" : text;
    }
}
