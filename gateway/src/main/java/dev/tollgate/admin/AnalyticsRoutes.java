package dev.tollgate.admin;

import dev.tollgate.api.JsonEndpoint;
import dev.tollgate.api.RouteTable;
import dev.tollgate.model.Principal;
import dev.tollgate.model.Scope;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.store.UsageBucket;
import dev.tollgate.store.UsageDimension;
import dev.tollgate.store.UsageFilter;
import dev.tollgate.store.UsageGroup;
import dev.tollgate.store.UsageLedger;
import dev.tollgate.store.UsageTotals;
import dev.tollgate.usage.UsagePeriod;
import dev.tollgate.usage.UsageReports;

import io.helidon.webserver.http.ServerRequest;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The read side: {@code /analytics/*} (totals, breakdowns, time series, forecast, recent events, and
 * {@code whoami} for the dashboard), the token-usage reads of {@code /api/token-usage/*}, and
 * {@code /governance/usage}. Every read is scoped to the caller's org; only the master key reads across
 * orgs (one with {@code org_id}, all without it).
 */
public final class AnalyticsRoutes {

    /** The group of calls that reached no provider (refused by Tollgate itself). */
    private static final String NO_PROVIDER = "none";
    private static final int MAX_RECENT = 1_000;
    private static final int MAX_MONTHS = 36;
    private static final Duration MAX_HOURLY = Duration.ofDays(7);

    private final UsageReports reports;
    private final UsageLedger ledger;
    private final UsageJson out;
    private final JsonEndpoint endpoint;

    public AnalyticsRoutes(UsageReports reports, UsageLedger ledger, JsonEndpoint endpoint, tools.jackson.databind.json.JsonMapper json) {
        this.reports = reports;
        this.ledger = ledger;
        this.endpoint = endpoint;
        this.out = new UsageJson(json);
    }

    /** Declares the analytics and token-usage read routes and the usage schemas they share with other routes. */
    public void register(RouteTable r) {
        String period = "1h, 24h, 7d, 30d, day or month";
        String org = "One org's usage (only the master key may name another org than its own)";
        r.get("/analytics/cost-summary").tag("analytics").scope(Scope.ANALYTICS).summary("Spend and tokens of a period, by model and provider")
                .query("period", period + " (default 24h)").query("org_id", org).answers("CostSummary").errors(400)
                .json(endpoint, this::costSummary);
        r.get("/analytics/recent-inferences").tag("analytics").scope(Scope.ANALYTICS).summary("The newest calls, a page at a time")
                .query("limit", "Events per page (default 50)", "{type: integer, minimum: 1, maximum: " + MAX_RECENT + "}")
                .query("before", "The next_cursor of the previous page").query("org_id", org).query("agent", "Only this agent")
                .query("feature", "Only this feature").query("model", "Only this model").query("provider", "Only this provider")
                .answers("RecentInferences").errors(400).json(endpoint, this::recent);
        r.get("/analytics/breakdown").tag("analytics").scope(Scope.ANALYTICS).summary("Totals per model, provider, key, agent or feature")
                .query("by", "model, provider, key, agent or feature (required)").query("period", period + " (default 30d)")
                .query("org_id", org).answers("Breakdown").errors(400).json(endpoint, this::breakdown);
        r.get("/analytics/forecast").tag("analytics").scope(Scope.ANALYTICS).summary("Month-end forecast, overall and per agent")
                .query("org_id", org).answers("Forecast").errors(400).json(endpoint, this::forecast);
        r.get("/analytics/timeseries").tag("analytics").scope(Scope.ANALYTICS).summary("Totals per hour or per day of a period")
                .query("period", period + " (default 24h)").query("interval", "hour or day (default: hour up to 2 days, else day)")
                .query("org_id", org).query("agent", "Only this agent").query("feature", "Only this feature")
                .query("model", "Only this model").query("provider", "Only this provider")
                .answers("Timeseries").errors(400).json(endpoint, this::timeseries);
        r.get("/analytics/whoami").tag("analytics").scope(Scope.ANALYTICS).summary("Who the presented key is: org, scopes (never the secret)")
                .answers("WhoAmI").json(endpoint, this::whoami);
        r.get("/api/token-usage/summary").tag("token-usage").scope(Scope.ANALYTICS).summary("This month's usage per agent and provider")
                .query("org_id", org).answers("TokenUsageSummary").errors(400).json(endpoint, this::tokenUsageSummary);
        r.get("/api/token-usage/ai/{agent}").tag("token-usage").scope(Scope.ANALYTICS).summary("This month's usage of one agent per provider")
                .pathParam("agent", "The agent (ai_name)").query("org_id", org).answers("AgentUsage").errors(400)
                .json(endpoint, this::agentUsage);
        r.get("/api/token-usage/history/{agent}").tag("token-usage").scope(Scope.ANALYTICS).summary("One agent's usage per month")
                .pathParam("agent", "The agent (ai_name)")
                .query("months", "How many months back (default 6)", "{type: integer, minimum: 1, maximum: " + MAX_MONTHS + "}")
                .query("org_id", org).answers("AgentHistory").errors(400).json(endpoint, this::agentHistory);
        r.get("/governance/usage").tag("governance").scope(Scope.ADMIN).summary("An org's usage today or this month, by model")
                .query("period", "day or month (default month)").query("org_id", org).answers("GovernanceUsage").errors(400)
                .json(endpoint, this::governanceUsage);
        UsageSchemas.declare(r);
    }

    private ObjectNode costSummary(ServerRequest req, Principal caller) {
        UsageFilter filter = scope(req, caller);
        UsageReports.Summary s = reports.summary(filter, period(req, "24h"));
        ObjectNode root = periodNode(s.period(), filter);
        out.totals(root, s.totals());
        root.set("by_model", groups("model", s.byModel()));
        root.set("by_provider", groups("provider", s.byProvider()));
        return root;
    }

    /**
     * A page of the newest events; {@code before} (the {@code next_cursor} of the previous page) asks for
     * the page after it. {@code next_cursor} is null on the last page.
     */
    private ObjectNode recent(ServerRequest req, Principal caller) {
        int limit = intParam(req, "limit", 50, 1, MAX_RECENT);
        UsageFilter filter = tagged(req, scope(req, caller));
        Optional<String> before = text(req, "before");
        List<UsageEvent> page;
        try {
            page = ledger.recent(filter, limit, before);
        } catch (IllegalArgumentException e) {
            throw GatewayException.badRequest("before", "before: no stored event has this id (expected: the next_cursor of an "
                    + "earlier page; its event may have been pruned, so start again from the newest page)");
        }
        ArrayNode data = out.object().arrayNode();
        page.forEach(e -> data.add(out.event(e)));
        ObjectNode root = out.object();
        root.set("data", data);
        root.put("next_cursor", page.size() == limit ? page.getLast().id() : null);
        return root;
    }

    /** Totals per hour or per UTC day of a period, every bucket included (empty ones as zeros). */
    private ObjectNode timeseries(ServerRequest req, Principal caller) {
        UsageFilter filter = tagged(req, scope(req, caller));
        UsagePeriod period = period(req, "24h");
        boolean shortPeriod = Duration.between(period.from(), period.to()).compareTo(Duration.ofDays(2)) <= 0;
        String interval = text(req, "interval").orElse(shortPeriod ? "hour" : "day");
        ChronoUnit unit = switch (interval) {
            case "hour" -> ChronoUnit.HOURS;
            case "day" -> ChronoUnit.DAYS;
            default -> throw GatewayException.badRequest("interval", "interval: '" + interval + "' (expected: hour or day)");
        };
        // Hours of a long period would read every hourly rollup row of it (a month of them is ~700 rows per
        // tag combination): days keep each read bounded, as the dashboard's 200 ms budget asks.
        if (unit == ChronoUnit.HOURS && Duration.between(period.from(), period.to()).compareTo(MAX_HOURLY) > 0) {
            throw GatewayException.badRequest("interval", "interval: 'hour' for period '" + period.name()
                    + "' (expected: day; hourly series cover periods of up to 7 days)");
        }
        ObjectNode root = periodNode(period, filter).put("interval", interval);
        ArrayNode buckets = root.putArray("buckets");
        for (UsageBucket b : reports.series(filter, period, unit)) {
            out.totals(buckets.addObject().put("start", b.start().toString()), b.totals());
        }
        return root;
    }

    /** Who the presented key is: what the dashboard shows depends on it. Never the secret. */
    private ObjectNode whoami(ServerRequest req, Principal caller) {
        ObjectNode root = out.object().put("key_id", caller.keyId()).put("org_id", caller.orgId()).put("all_orgs", caller.allOrgs());
        ArrayNode scopes = root.putArray("scopes");
        caller.scopes().stream().map(s -> s.name().toLowerCase(java.util.Locale.ROOT)).sorted().forEach(scopes::add);
        return root;
    }

    /** The tag filters a read may add: {@code agent}, {@code feature}, {@code model}, {@code provider}. */
    private static UsageFilter tagged(ServerRequest req, UsageFilter filter) {
        return filter.withAgent(tag(req, "agent").orElse(null)).withFeature(tag(req, "feature").orElse(null))
                .withModel(text(req, "model").orElse(null)).withProvider(text(req, "provider").orElse(null));
    }

    private ObjectNode breakdown(ServerRequest req, Principal caller) {
        String byText = text(req, "by").orElseThrow(() -> GatewayException.badRequest("by",
                "by: missing (expected: model, provider, key, agent or feature)"));
        UsageDimension by = UsageDimension.fromWire(byText);
        if (by == null || by == UsageDimension.ORG) {
            throw GatewayException.badRequest("by", "by: '" + shortly(byText) + "' (expected one of: model, provider, key, agent, feature)");
        }
        UsageFilter filter = scope(req, caller);
        UsagePeriod period = period(req, "30d");
        ObjectNode root = periodNode(period, filter).put("by", by.wireName());
        root.set("rows", groups(by.wireName(), reports.breakdown(by, filter, period)));
        return root;
    }

    private ObjectNode forecast(ServerRequest req, Principal caller) {
        UsageFilter filter = scope(req, caller);
        UsageReports.Forecast f = reports.forecast(filter);
        ObjectNode root = out.object().put("month", f.month().toString()).put("as_of", f.asOf().toString())
                .put("method", "month_to_date + (last 7 days' usage / 7) x days left in the month; "
                        + "the month so far stands in for the last 7 days early in a month");
        projection(root, f.overall());
        ArrayNode agents = root.putArray("agents");
        f.agents().forEach((agent, p) -> projection(agents.addObject().put("agent", agent), p));
        return root;
    }

    private void projection(ObjectNode into, UsageReports.Projection p) {
        out.totals(into.putObject("month_to_date"), p.monthToDate());
        into.putObject("projected_month_end").put("cost_usd", UsageJson.round(p.projectedCostUsd()))
                .put("total_tokens", p.projectedTokens());
    }

    private ObjectNode tokenUsageSummary(ServerRequest req, Principal caller) {
        UsageFilter filter = scope(req, caller);
        ObjectNode root = out.object().put("month", java.time.YearMonth.from(reports.now().atZone(java.time.ZoneOffset.UTC)).toString());
        ArrayNode agents = root.putArray("agents");
        reports.monthByAgentAndProvider(filter).forEach((agent, providers) -> agentNode(agents.addObject(), agent, providers));
        return root;
    }

    /** The {@code {agent}} path segment, validated and normalised like the agent header ({@link dev.tollgate.model.Tags}). */
    static String agentSegment(ServerRequest req) {
        String agent = req.path().pathParameters().contains("agent") ? req.path().pathParameters().get("agent") : null;
        return dev.tollgate.model.Tags.parse(agent).orElseThrow(() ->
                GatewayException.badRequest("agent", "agent: expected " + dev.tollgate.model.Tags.EXPECTED));
    }

    private ObjectNode agentUsage(ServerRequest req, Principal caller) {
        String agent = agentSegment(req);
        UsageFilter filter = scope(req, caller).withAgent(agent);
        Map<String, UsageTotals> providers = reports.monthByAgentAndProvider(filter).getOrDefault(agent, Map.of());
        ObjectNode root = out.object().put("month", java.time.YearMonth.from(reports.now().atZone(java.time.ZoneOffset.UTC)).toString());
        return agentNode(root, agent, providers);
    }

    private ObjectNode agentHistory(ServerRequest req, Principal caller) {
        String agent = agentSegment(req);
        int months = intParam(req, "months", 6, 1, MAX_MONTHS);
        UsageFilter filter = scope(req, caller).withAgent(agent);
        ObjectNode root = out.object().put("ai_name", agent);
        ArrayNode list = root.putArray("months");
        for (UsageReports.MonthUsage m : reports.history(filter, months)) {
            ObjectNode month = out.totals(list.addObject().put("month", m.month().toString()), m.total());
            ObjectNode providers = month.putObject("providers");
            m.providers().forEach((provider, t) -> out.totals(providers.putObject(provider.isEmpty() ? NO_PROVIDER : provider), t));
        }
        return root;
    }

    private ObjectNode governanceUsage(ServerRequest req, Principal caller) {
        String periodName = text(req, "period").orElse("month");
        if (!periodName.equals("day") && !periodName.equals("month")) {
            throw GatewayException.badRequest("period", "period: '" + shortly(periodName) + "' (expected one of: day, month)");
        }
        UsageFilter filter = scope(req, caller);
        UsageReports.Summary s = reports.summary(filter, UsagePeriod.parse(periodName, reports.now()));
        ObjectNode root = periodNode(s.period(), filter);
        out.totals(root, s.totals());
        root.set("by_model", groups("model", s.byModel()));
        return root;
    }

    private ObjectNode agentNode(ObjectNode into, String agent, Map<String, UsageTotals> providers) {
        into.put("ai_name", agent);
        out.totals(into, providers.values().stream().reduce(UsageTotals.ZERO, UsageTotals::plus));
        ObjectNode byProvider = into.putObject("providers");
        providers.forEach((provider, t) -> out.totals(byProvider.putObject(provider.isEmpty() ? NO_PROVIDER : provider), t));
        return into;
    }

    private ArrayNode groups(String keyName, List<UsageGroup> groups) {
        ArrayNode rows = out.object().arrayNode();
        for (UsageGroup g : groups) {
            out.totals(rows.addObject().put(keyName, g.key()), g.totals());
        }
        return rows;
    }

    private ObjectNode periodNode(UsagePeriod period, UsageFilter filter) {
        return out.object().put("period", period.name()).put("from", period.from().toString()).put("to", period.to().toString())
                .put("org_id", filter.org().orElse(null));
    }

    private UsagePeriod period(ServerRequest req, String fallback) {
        String name = text(req, "period").orElse(fallback);
        UsagePeriod period = UsagePeriod.parse(name, reports.now());
        if (period == null) {
            throw GatewayException.badRequest("period", "period: '" + shortly(name) + "' (expected one of: " + UsagePeriod.CHOICES + ")");
        }
        return period;
    }

    /**
     * The org a read covers: the caller's own; a caller over all orgs (the master key) may name one with
     * {@code org_id} and sees every org without it. Naming another org is a 403 for everyone else.
     */
    static UsageFilter scope(ServerRequest req, Principal caller) {
        Optional<String> asked = text(req, "org_id");
        if (caller.allOrgs()) {
            return UsageFilter.ALL.withOrg(asked.orElse(null));
        }
        if (asked.isPresent() && !asked.get().equals(caller.orgId())) {
            throw GatewayException.forbidden("org_not_allowed", "this key may only read its own org's usage");
        }
        return UsageFilter.ALL.withOrg(caller.orgId());
    }

    static Optional<String> text(ServerRequest req, String name) {
        return req.query().first(name).map(String::strip).filter(v -> !v.isEmpty());
    }

    /** A filter with a closed set of values: absent, or one of {@code allowed}; anything else is a 400 naming both. */
    static Optional<String> choice(ServerRequest req, String name, List<String> allowed) {
        Optional<String> value = text(req, name);
        if (value.isPresent() && !allowed.contains(value.get())) {
            throw GatewayException.badRequest(name, name + ": '" + shortly(value.get()) + "' (expected one of: "
                    + String.join(", ", allowed) + ")");
        }
        return value;
    }

    /** An agent or feature filter, validated and normalised like the tags it is compared with. */
    static Optional<String> tag(ServerRequest req, String name) {
        Optional<String> value = text(req, name);
        if (value.isEmpty()) {
            return value;
        }
        return Optional.of(dev.tollgate.model.Tags.parse(value.get()).orElseThrow(() ->
                GatewayException.badRequest(name, name + ": expected " + dev.tollgate.model.Tags.EXPECTED)));
    }

    /** A value echoed in an error message: at most 64 characters, control characters shown as '?'. */
    static String shortly(String value) {
        String cut = value.length() > 64 ? value.substring(0, 64) + "…" : value;
        return cut.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }

    static int intParam(ServerRequest req, String name, int fallback, int min, int max) {
        Optional<String> value = text(req, name);
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value.get());
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // Reported below with the range expected.
        }
        throw GatewayException.badRequest(name, name + ": '" + value.get() + "' (expected: a whole number from " + min + " to " + max + ")");
    }
}
