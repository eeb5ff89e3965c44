package dev.tollgate.admin;

import dev.tollgate.api.HttpBodies;
import dev.tollgate.api.JsonEndpoint;
import dev.tollgate.api.RouteTable;
import dev.tollgate.config.BudgetRuleConfig;
import dev.tollgate.config.BudgetRuleParser;
import dev.tollgate.config.ConfigException;
import dev.tollgate.model.Principal;
import dev.tollgate.model.Scope;
import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.policy.auth.KeyIssuer;
import dev.tollgate.policy.budget.BudgetSeeder;
import dev.tollgate.policy.budget.BudgetStatus;
import dev.tollgate.policy.budget.CounterBudgetPolicy;
import dev.tollgate.store.BudgetStore;
import io.helidon.webserver.http.ServerRequest;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /governance/budgets}: list, read, create, change and delete budget rules ({@code admin} scope).
 * An org's admin keys manage rules of their own org (the rule's {@code scope.org} is set to it); the
 * master key manages every rule, global ones included. Rules of the configuration file are listed but
 * read-only. A change applies to the next call, is stored in SQLite and audit-logged. Bad input is a 400
 * whose {@code param} is the field path at fault.
 */
public final class BudgetRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(BudgetRoutes.class);

    private final CounterBudgetPolicy policy;
    private final BudgetSeeder seeder;
    private final BudgetStore store;
    private final BudgetStatus status;
    private final KeyIssuer audit;
    private final HttpBodies bodies;
    private final JsonEndpoint endpoint;
    private final JsonMapper json;
    private final BudgetJson out;
    /** The definition of each stored rule this instance applied (or wrote), to see what others changed. */
    private final java.util.Map<String, String> applied = new java.util.HashMap<>();

    /** What the budget routes work with. */
    public record Parts(CounterBudgetPolicy policy, BudgetSeeder seeder, BudgetStore store, BudgetStatus status, KeyIssuer audit,
                        HttpBodies bodies) {
    }

    public BudgetRoutes(Parts parts, JsonEndpoint endpoint, JsonMapper json) {
        this.policy = parts.policy();
        this.seeder = parts.seeder();
        this.store = parts.store();
        this.status = parts.status();
        this.audit = parts.audit();
        this.bodies = parts.bodies();
        this.endpoint = endpoint;
        this.json = json;
        this.out = new BudgetJson(json);
    }

    public void register(RouteTable r) {
        String name = "The budget rule's name";
        r.get("/governance/budgets").tag("budgets").scope(Scope.ADMIN).summary("Budget rules, configured and created, with their counters")
                .answers("BudgetList").json(endpoint, this::list);
        r.post("/governance/budgets").tag("budgets").scope(Scope.ADMIN).summary("Create a budget rule (the YAML rule's fields, as JSON)")
                .accepts("BudgetRule").answers("Budget").errors(400, 409).json(endpoint, this::create);
        r.get("/governance/budgets/{name}").tag("budgets").scope(Scope.ADMIN).summary("One budget rule and its counters")
                .pathParam("name", name).answers("Budget").errors(404).json(endpoint, this::read);
        r.put("/governance/budgets/{name}").tag("budgets").scope(Scope.ADMIN).summary("Replace a budget rule created through the API")
                .pathParam("name", name).accepts("BudgetRule").answers("Budget").errors(400, 404, 409).json(endpoint, this::update);
        r.delete("/governance/budgets/{name}").tag("budgets").scope(Scope.ADMIN).summary("Delete a budget rule created through the API")
                .pathParam("name", name).answers("BudgetDeleted").errors(404, 409).json(endpoint, this::delete);
        GovernanceSchemas.budgets(r);
    }

    /** Loads the stored rules at start; one that no longer fits (a config rule took its name or scope) is skipped with a warning. */
    public synchronized void loadStored() {
        for (BudgetStore.StoredBudget b : store.budgets()) {
            apply(b, false);
        }
    }

    /**
     * Brings the rules in line with the store, where other instances change them (a shared database): rules
     * created or changed elsewhere are applied, rules deleted elsewhere removed. Counters are not seeded
     * again when they are shared (the instance that changed the rule seeded them); {@code seed} says otherwise.
     */
    public synchronized void refresh(boolean seed) {
        java.util.Set<String> present = new java.util.HashSet<>();
        for (BudgetStore.StoredBudget b : store.budgets()) {
            present.add(b.name());
            if (!b.definition().equals(applied.get(b.name()))) {
                Optional<BudgetRuleConfig> before = policy.rules().find(b.name());
                apply(b, true).filter(rule -> seed && before.map(r -> !sameCounters(r, rule)).orElse(true))
                        .ifPresent(rule -> policy.remember(seeder.seed(List.of(rule), policy.clock().instant())));
            }
        }
        for (String name : List.copyOf(applied.keySet())) {
            if (!present.contains(name) && !policy.rules().configured(name)) {
                policy.rules().remove(name);
                applied.remove(name);
                LOG.info("budget '{}' was deleted on another instance; removed here", name);
            }
        }
    }

    private Optional<BudgetRuleConfig> apply(BudgetStore.StoredBudget b, boolean changed) {
        applied.put(b.name(), b.definition());
        try {
            BudgetRuleConfig rule = BudgetRuleParser.parse(json.readTree(b.definition()), policy.settings().zone());
            Optional<String> conflict = policy.rules().conflict(rule, true);
            if (conflict.isPresent()) {
                LOG.warn("stored budget '{}' is not applied: {}", b.name(), conflict.get());
                return Optional.empty();
            }
            policy.rules().put(rule);
            if (changed) {
                LOG.info("budget '{}' was changed on another instance; applied here", b.name());
            }
            return Optional.of(rule);
        } catch (ConfigException | JacksonException e) {
            LOG.warn("stored budget '{}' is not valid and is not applied: {}", b.name(), e.getMessage());
            return Optional.empty();
        }
    }

    private JsonNode list(ServerRequest req, Principal caller) {
        ArrayNode data = json.createArrayNode();
        List<BudgetStatus.Standing> standings = status.all(caller);
        for (BudgetRuleConfig rule : policy.rules().rules()) {
            if (BudgetStatus.visible(caller, rule)) {
                data.add(out.rule(rule, policy.rules().configured(rule.name()), standings));
            }
        }
        return json.createObjectNode().set("data", data);
    }

    private JsonNode read(ServerRequest req, Principal caller) {
        BudgetRuleConfig rule = visible(req, caller);
        return out.rule(rule, policy.rules().configured(rule.name()), status.all(caller));
    }

    private synchronized JsonNode create(ServerRequest req, Principal caller) {
        ObjectNode body = body(req, caller, Optional.empty());
        BudgetRuleConfig rule = parse(body);
        policy.rules().conflict(rule, false).ifPresent(BudgetRoutes::reject);
        store.put(new BudgetStore.StoredBudget(rule.name(), rule.scope().get("org"), json.writeValueAsString(body), policy.clock().instant()));
        store.budget(rule.name()).ifPresent(b -> applied.put(b.name(), b.definition()));
        policy.rules().put(rule);
        policy.remember(seeder.seed(List.of(rule), policy.clock().instant()));
        audit.audit(caller.keyId(), orgOf(rule, caller), "budget.create", rule.name(), json.writeValueAsString(body));
        return out.rule(rule, false, status.all(caller));
    }

    private synchronized JsonNode update(ServerRequest req, Principal caller) {
        BudgetRuleConfig before = visible(req, caller);
        if (policy.rules().configured(before.name())) {
            reject("name: '" + before.name() + "' is defined in the configuration file (change it there)");
        }
        ObjectNode body = body(req, caller, Optional.of(before.name()));
        BudgetRuleConfig rule = parse(body);
        policy.rules().conflict(rule, true).ifPresent(BudgetRoutes::reject);
        store.put(new BudgetStore.StoredBudget(rule.name(), rule.scope().get("org"), json.writeValueAsString(body), policy.clock().instant()));
        store.budget(rule.name()).ifPresent(b -> applied.put(b.name(), b.definition()));
        policy.rules().put(rule);
        if (!sameCounters(before, rule)) {
            policy.remember(seeder.seed(List.of(rule), policy.clock().instant()));
        }
        audit.audit(caller.keyId(), orgOf(rule, caller), "budget.update", rule.name(), json.writeValueAsString(body));
        return out.rule(rule, false, status.all(caller));
    }

    private synchronized JsonNode delete(ServerRequest req, Principal caller) {
        BudgetRuleConfig rule = visible(req, caller);
        if (policy.rules().configured(rule.name())) {
            reject("name: '" + rule.name() + "' is defined in the configuration file (remove it there)");
        }
        store.delete(rule.name());
        applied.remove(rule.name());
        policy.rules().remove(rule.name());
        audit.audit(caller.keyId(), orgOf(rule, caller), "budget.delete", rule.name(), "{}");
        return json.createObjectNode().put("name", rule.name()).put("deleted", true);
    }

    /** Counters keep their values across a change that leaves their keys (and so their meaning) as they were. */
    private static boolean sameCounters(BudgetRuleConfig a, BudgetRuleConfig b) {
        return a.scope().equals(b.scope()) && a.metric() == b.metric() && a.period() == b.period() && a.zone().equals(b.zone());
    }

    private BudgetRuleConfig visible(ServerRequest req, Principal caller) {
        String name = req.path().pathParameters().get("name");
        return policy.rules().find(name).filter(r -> BudgetStatus.visible(caller, r))
                .orElseThrow(() -> GatewayException.notFound("budget_not_found", "name",
                        "budget '" + (name.length() > 64 ? name.substring(0, 64) + "…" : name) + "' not found"));
    }

    /** The body as a rule definition: the name from the path on PUT, the caller's org in the scope unless it is the master key. */
    private ObjectNode body(ServerRequest req, Principal caller, Optional<String> pathName) {
        byte[] raw = bodies.read(req);
        JsonNode root;
        try {
            root = raw.length == 0 ? json.createObjectNode() : json.readTree(raw);
        } catch (JacksonException e) {
            throw GatewayException.badRequest(null, "request body is not valid JSON (expected: a JSON object)");
        }
        if (!(root instanceof ObjectNode body)) {
            throw GatewayException.badRequest(null, "request body must be a JSON object");
        }
        if (pathName.isPresent()) {
            JsonNode given = body.get("name");
            if (given != null && !given.isNull() && !pathName.get().equals(given.asString())) {
                throw GatewayException.badRequest("name", "name: '" + given.asString() + "' differs from the path (a rule cannot be renamed)");
            }
            body.put("name", pathName.get());
        }
        if (!caller.allOrgs()) {
            JsonNode scope = body.get("scope");
            if (scope != null && !scope.isNull() && !scope.isObject()) {
                throw GatewayException.badRequest("scope", "scope: expected an object of selectors");
            }
            ObjectNode s = scope instanceof ObjectNode o ? o : body.putObject("scope");
            JsonNode org = s.get("org");
            if (org != null && !org.isNull() && !caller.orgId().equals(org.asString())) {
                throw GatewayException.forbidden("org_not_allowed", "scope.org: this key may only manage budgets of its own org");
            }
            s.put("org", caller.orgId());
        }
        return body;
    }

    private BudgetRuleConfig parse(ObjectNode body) {
        BudgetRuleConfig rule;
        try {
            rule = BudgetRuleParser.parse(body, policy.settings().zone());
        } catch (ConfigException e) {
            throw reject(String.join("; ", e.problems()));
        }
        rule.fallback().ifPresent(f -> {
            if (policy.catalog().deployment(f.provider(), f.model()).isEmpty()) {
                reject("fallback.provider: '" + f.provider() + "' is not a configured provider");
            }
        });
        return rule;
    }

    /** A 400 whose param is the field path the message starts with ({@code limit: -5 (expected: ...)}). */
    private static GatewayException reject(String problem) {
        int colon = problem.indexOf(": ");
        String field = colon > 0 && !problem.substring(0, colon).contains(" ") ? problem.substring(0, colon) : null;
        throw GatewayException.badRequest(field, problem);
    }

    private static String orgOf(BudgetRuleConfig rule, Principal caller) {
        return rule.scope().getOrDefault("org", caller.allOrgs() ? null : caller.orgId());
    }
}
