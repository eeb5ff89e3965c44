package dev.tollgate.admin;

import dev.tollgate.alerts.AlertRecorder;
import dev.tollgate.api.HttpBodies;
import dev.tollgate.api.JsonEndpoint;
import dev.tollgate.api.RouteTable;
import dev.tollgate.config.BudgetRuleConfig;
import dev.tollgate.config.ProviderConfig;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.model.BudgetSnapshot;
import dev.tollgate.model.Principal;
import dev.tollgate.model.Scope;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.pipeline.Answer;
import dev.tollgate.pipeline.Endpoint;
import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.pipeline.Inbound;
import dev.tollgate.pipeline.Pipeline;
import dev.tollgate.pipeline.RequestContext;
import dev.tollgate.policy.auth.KeyIssuer;
import dev.tollgate.policy.budget.BudgetCounter;
import dev.tollgate.policy.budget.BudgetStatus;
import dev.tollgate.policy.resilience.CircuitBreakers;
import dev.tollgate.store.UsageFilter;
import dev.tollgate.store.UsageLedger;
import dev.tollgate.store.UsageTotals;
import dev.tollgate.usage.UsagePeriod;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The budget side of the token-usage API: {@code provider-status} (per agent and provider: used, limit,
 * percentage, and the provider a call would get now and why), {@code emergency-status},
 * {@code test-ai-call} (a real call through the pipeline, answering which provider served it and why)
 * and {@code reset/{agent}} (admin, audited). Reads are org-scoped like the other analytics routes.
 */
public final class TokenUsageRoutes {

    private static final Set<String> CALL_FIELDS = Set.of("ai_name", "prompt", "preferred_provider", "model", "max_tokens");

    private final BudgetStatus status;
    private final UsageLedger ledger;
    private final Pipeline pipeline;
    private final Inbound.RequestParser parser;
    private final TollgateConfig config;
    private final KeyIssuer audit;
    private final Clock clock;
    private final HttpBodies bodies;
    private final AlertRecorder alerts;
    private final JsonEndpoint endpoint;
    private final JsonMapper json;
    private final BudgetJson out;
    private final CircuitBreakers breakers;

    /** What the token-usage routes work with. */
    public record Parts(BudgetStatus status, UsageLedger ledger, Pipeline pipeline, Inbound.RequestParser chatParser,
                        TollgateConfig config, KeyIssuer audit, Clock clock, HttpBodies bodies, AlertRecorder alerts,
                        CircuitBreakers breakers) {
    }

    public TokenUsageRoutes(Parts parts, JsonEndpoint endpoint, JsonMapper json) {
        this.status = parts.status();
        this.ledger = parts.ledger();
        this.pipeline = parts.pipeline();
        this.parser = parts.chatParser();
        this.config = parts.config();
        this.audit = parts.audit();
        this.clock = parts.clock();
        this.bodies = parts.bodies();
        this.alerts = parts.alerts();
        this.endpoint = endpoint;
        this.json = json;
        this.out = new BudgetJson(json);
        this.breakers = parts.breakers();
    }

    public void register(RouteTable r) {
        String agent = "The agent (ai_name)";
        String model = "The model a call would ask for (default: the default model)";
        String org = "The org to read (master key only; another org's id is a 403 for an org's key)";
        r.get("/api/token-usage/provider-status").tag("token-usage").scope(Scope.ANALYTICS)
                .summary("Per agent: its budgets per provider, and the provider a call would get now and why")
                .query("model", model).query("org_id", org).answers("ProviderStatusList").errors(400, 403).json(endpoint, this::providerStatus);
        r.get("/api/token-usage/provider-status/{agent}").tag("token-usage").scope(Scope.ANALYTICS)
                .summary("One agent's budgets per provider, and the provider a call would get now and why")
                .pathParam("agent", agent).query("model", model).query("org_id", org).answers("ProviderStatus").errors(400, 403).json(endpoint, this::agentStatus);
        r.get("/api/token-usage/emergency-status").tag("token-usage").scope(Scope.ANALYTICS)
                .summary("Whether an emergency blocks non-priority traffic, which budgets block, this month's usage")
                .query("org_id", org).answers("EmergencyStatus").errors(403).json(endpoint, this::emergencyStatus);
        r.post("/api/token-usage/test-ai-call").tag("token-usage").scope(Scope.ADMIN)
                .summary("Make one call for an agent through the pipeline, as its traffic would (budgets, fallback, ledger)")
                .accepts("TestAiCallRequest").answers("TestAiCallAnswer").errors(400, 404, 429, 502, 503, 504)
                .json(endpoint, this::testCall);
        r.post("/api/token-usage/reset/{agent}").tag("token-usage").scope(Scope.ADMIN)
                .summary("Reset an agent's budget counters of the current period (audit-logged)")
                .pathParam("agent", agent).answers("BudgetReset").errors(400).json(endpoint, this::reset);
        GovernanceSchemas.tokenUsage(r);
    }

    /**
     * The caller as it reads budgets: with {@code org_id}, the master key reads that org as the org's own key
     * would, and an org's key may only name its own org (403 otherwise), as the analytics routes do.
     */
    private static Principal reader(ServerRequest req, Principal caller) {
        Optional<String> org = AnalyticsRoutes.scope(req, caller).org();
        if (!caller.allOrgs() || org.isEmpty()) {
            return caller;
        }
        return new Principal(org.get(), caller.keyId(), caller.scopes(), caller.allowedModels(), caller.defaultAgent(),
                caller.defaultFeature(), false, caller.rateLimits());
    }

    private JsonNode providerStatus(ServerRequest req, Principal asked) {
        Principal caller = reader(req, asked);
        Set<String> agents = new LinkedHashSet<>();
        status.all(caller).forEach(s -> Optional.ofNullable(s.counter().scope().get("agent")).ifPresent(agents::add));
        ArrayNode data = json.createArrayNode();
        String model = model(req);
        agents.stream().sorted().forEach(agent -> data.add(agentNode(caller, agent, model)));
        ObjectNode root = json.createObjectNode().put("model", model);
        root.set("agents", data);
        root.set("circuits", circuits());
        return root;
    }

    private JsonNode agentStatus(ServerRequest req, Principal caller) {
        ObjectNode n = agentNode(reader(req, caller), agent(req), model(req)).put("model", model(req));
        n.set("circuits", circuits());
        return n;
    }

    /** Each deployment's circuit breaker (those that took a call since start): state, window, time left open. */
    private ArrayNode circuits() {
        ArrayNode out = json.createArrayNode();
        for (CircuitBreakers.Status s : breakers.statuses()) {
            out.addObject().put("provider", s.provider()).put("model", s.model()).put("state", s.state().wireName())
                    .put("failure_rate_percent", s.failureRatePercent() < 0 ? null : (double) s.failureRatePercent())
                    .put("calls", s.bufferedCalls()).put("failed_calls", s.failedCalls()).put("open_for_ms", s.openFor().toMillis());
        }
        return out;
    }

    private ObjectNode agentNode(Principal caller, String agent, String model) {
        ObjectNode n = json.createObjectNode().put("agent", agent);
        ArrayNode providers = n.putArray("providers");
        for (BudgetStatus.Standing s : status.agent(caller, agent)) {
            ObjectNode p = out.standing(s);
            p.put("provider", s.counter().scope().getOrDefault("provider", null));
            providers.add(p);
        }
        BudgetStatus.Choice choice = status.choose(caller, agent, model);
        ObjectNode chosen = n.putObject("chosen");
        chosen.put("provider", choice.provider().orElse(null)).put("model", choice.model().orElse(null)).put("reason", choice.reason());
        return n;
    }

    private JsonNode emergencyStatus(ServerRequest req, Principal asked) {
        Principal caller = reader(req, asked);
        UsagePeriod month = UsagePeriod.parse("month", clock.instant());
        UsageFilter filter = caller.allOrgs() ? UsageFilter.ALL : UsageFilter.ALL.withOrg(caller.orgId());
        UsageTotals totals = ledger.totals(filter, month.from(), month.to());
        ObjectNode root = json.createObjectNode();
        List<BudgetStatus.Standing> blocked = status.blocked(caller);
        root.put("emergency", blocked.stream().anyMatch(s -> !s.state().equals("exhausted")));
        root.putObject("usage").put("period", "month").put("from", month.from().toString()).put("requests", totals.requests())
                .put("input_tokens", totals.inputTokens()).put("output_tokens", totals.outputTokens())
                .put("total_tokens", totals.totalTokens()).put("cost_usd", totals.costUsd());
        ArrayNode data = root.putArray("blocked");
        for (BudgetStatus.Standing s : blocked) {
            ObjectNode b = out.standing(s);
            b.put("blocks", s.state().equals("exhausted")
                    ? "every call of " + s.counter().describeScope() + provider(s.counter()) + " that does not fit the rest of the budget"
                    : "calls of " + s.counter().describeScope() + provider(s.counter()) + " except priority agents and keys");
            data.add(b);
        }
        ArrayNode agents = root.putArray("priority_agents");
        status.settings().priorityAgents().stream().sorted().forEach(agents::add);
        ArrayNode keys = root.putArray("priority_keys");
        status.settings().priorityKeys().stream().sorted().forEach(keys::add);
        return root;
    }

    private static String provider(BudgetCounter c) {
        String p = c.scope().get("provider");
        return p == null ? "" : " to " + p;
    }

    private JsonNode reset(ServerRequest req, Principal caller) {
        String agent = agent(req);
        List<BudgetCounter> reset = status.reset(caller, agent);
        Instant at = clock.instant();
        ArrayNode data = json.createArrayNode();
        for (BudgetCounter c : reset) {
            // A fresh start: the counter's alerts of this period may fire again.
            BudgetSnapshot alerted = c.snapshot(0);
            alerts.rearm(c.rule().name(), alerted.orgId(), alerted.scope(), c.window().start(), at);
            ObjectNode n = data.addObject().put("budget", c.rule().name()).put("period", c.window().label());
            ObjectNode scope = n.putObject("scope");
            c.scope().forEach(scope::put);
        }
        audit.audit(caller.keyId(), caller.allOrgs() ? null : caller.orgId(), "budget.reset", agent, json.writeValueAsString(data));
        ObjectNode root = json.createObjectNode().put("agent", agent).put("reset_at", at.toString());
        root.set("reset", data);
        return root;
    }

    /**
     * A real call through the pipeline, as the agent named {@code ai_name} would make it. The caller's own
     * key authenticates it (it needs the {@code infer} scope too); {@code preferred_provider} picks a model
     * that provider serves, and budgets may still send the call elsewhere, as they would any call.
     */
    private JsonNode testCall(ServerRequest req, Principal caller) {
        JsonNode body = object(req);
        String aiName = text(body, "ai_name").orElseThrow(() -> GatewayException.badRequest("ai_name", "ai_name: missing (expected: the agent's name)"));
        String agent = dev.tollgate.model.Tags.parse(aiName).orElseThrow(() ->
                GatewayException.badRequest("ai_name", "ai_name: expected " + dev.tollgate.model.Tags.EXPECTED));
        String prompt = text(body, "prompt").orElseThrow(() -> GatewayException.badRequest("prompt", "prompt: missing (expected: a string)"));
        Optional<String> preferred = text(body, "preferred_provider");
        String model = text(body, "model").orElseGet(() -> preferred.map(this::modelOf).orElse(config.defaultModel()));
        ObjectNode chat = json.createObjectNode().put("model", model);
        chat.putArray("messages").addObject().put("role", "user").put("content", prompt);
        JsonNode maxTokens = body.get("max_tokens");
        if (maxTokens != null && !maxTokens.isNull()) {
            if (!maxTokens.isIntegralNumber() || !maxTokens.canConvertToLong() || maxTokens.asLong() < 1 || maxTokens.asLong() > 1_000_000) {
                throw GatewayException.badRequest("max_tokens", "max_tokens: expected a whole number from 1 to 1000000");
            }
            chat.put("max_tokens", maxTokens.asInt());
        }
        String requestId = dev.tollgate.api.RequestLog.requestId(req);
        Inbound inbound = new Inbound(name -> name.equalsIgnoreCase("x-tollgate-agent") ? Optional.of(agent)
                : req.headers().first(HeaderNames.create(name)), json.writeValueAsBytes(chat), parser);
        RequestContext ctx = pipeline.newContext(requestId, Endpoint.CHAT, inbound);
        try (Answer answer = pipeline.execute(ctx)) {
            return switch (answer) {
                case Answer.Failed failed -> throw failed.error();
                case Answer.Whole whole -> answer(whole.deliver(), ctx, whole.body(), preferred);
                case Answer.Streamed streamed -> throw new IllegalStateException("a non-streamed test call was answered with a stream");
            };
        }
    }

    private ObjectNode answer(UsageEvent event, RequestContext ctx, byte[] completion, Optional<String> preferred) {
        ObjectNode root = json.createObjectNode().put("request_id", event.requestId()).put("ai_name", event.agent())
                .put("provider", event.provider()).put("model", event.model()).put("preferred_provider", preferred.orElse(null))
                .put("routing_reason", ctx.routingReason().orElse(null));
        String text = null;
        try {
            text = json.readTree(completion).path("choices").path(0).path("message").path("content").asString(null);
        } catch (JacksonException e) {
            text = null;
        }
        root.put("text", text);
        root.putObject("usage").put("input_tokens", event.usage().inputTokens()).put("output_tokens", event.usage().outputTokens())
                .put("total_tokens", event.usage().totalTokens());
        if (event.priceKnown()) {
            root.put("cost_usd", event.costUsd());
        }
        return root;
    }

    /** A model the provider serves: a budget's fallback model for it, else its first listed model, else the default. */
    private String modelOf(String provider) {
        for (BudgetRuleConfig rule : config.budgets()) {
            if (rule.fallback().isPresent() && rule.fallback().get().provider().equals(provider)) {
                return rule.fallback().get().model();
            }
        }
        for (ProviderConfig p : config.providers()) {
            if (p.name().equals(provider)) {
                return p.models().stream().filter(m -> !m.contains("*")).findFirst().map(m -> p.prefix() + m).orElse(config.defaultModel());
            }
        }
        throw GatewayException.badRequest("preferred_provider", "preferred_provider: '" + provider + "' is not a configured provider");
    }

    private String model(ServerRequest req) {
        return AnalyticsRoutes.text(req, "model").orElse(config.defaultModel());
    }

    private static String agent(ServerRequest req) {
        return AnalyticsRoutes.agentSegment(req);
    }

    private JsonNode object(ServerRequest req) {
        byte[] raw = bodies.read(req);
        JsonNode root;
        try {
            root = raw.length == 0 ? json.createObjectNode() : json.readTree(raw);
        } catch (JacksonException e) {
            throw GatewayException.badRequest(null, "request body is not valid JSON (expected: a JSON object)");
        }
        if (!root.isObject()) {
            throw GatewayException.badRequest(null, "request body must be a JSON object");
        }
        for (String name : root.propertyNames()) {
            if (!CALL_FIELDS.contains(name)) {
                throw GatewayException.badRequest(name, name + ": unknown field (expected one of: " + String.join(", ", new java.util.TreeSet<>(CALL_FIELDS)) + ")");
            }
        }
        return root;
    }

    private static Optional<String> text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isString() || v.asString().isBlank()) {
            throw GatewayException.badRequest(field, field + ": expected a non-empty string");
        }
        return Optional.of(v.asString().strip());
    }
}
