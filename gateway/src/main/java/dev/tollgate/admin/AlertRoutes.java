package dev.tollgate.admin;

import dev.tollgate.alerts.AlertJson;
import dev.tollgate.api.JsonEndpoint;
import dev.tollgate.api.RouteTable;
import dev.tollgate.model.Alert;
import dev.tollgate.model.Principal;
import dev.tollgate.model.Scope;
import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.store.AlertStore;
import io.helidon.webserver.http.ServerRequest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;

/**
 * {@code GET /api/token-usage/alerts} (analytics scope): the alerts that fired, newest first, filtered by
 * {@code level}, {@code type}, {@code since} (ISO-8601 instant), {@code agent} and {@code limit}. A key sees
 * its org's alerts only; the master key sees all (or one org's with {@code org_id}).
 */
public final class AlertRoutes {

    private static final List<String> TYPES = List.of("threshold", "spike", "forecast");
    private static final List<String> LEVELS = List.of("warning", "critical", "emergency");

    private final AlertStore store;
    private final JsonEndpoint endpoint;
    private final JsonMapper json;

    public AlertRoutes(AlertStore store, JsonEndpoint endpoint, JsonMapper json) {
        this.store = store;
        this.endpoint = endpoint;
        this.json = json;
    }

    public void register(RouteTable r) {
        r.get("/api/token-usage/alerts").tag("alerts").scope(Scope.ANALYTICS).summary("Alerts raised, newest first, filtered")
                .query("org_id", "One org's alerts (only the master key may name another org)")
                .query("level", "Only this level: " + String.join(", ", LEVELS)).query("type", "Only this type: " + String.join(", ", TYPES))
                .query("since", "Only alerts from this instant on (ISO-8601)", "{type: string, format: date-time}")
                .query("agent", "Only this agent's").query("limit", "At most this many (default 100)", "{type: integer, minimum: 1, maximum: 1000}")
                .answers("AlertList").errors(400).json(endpoint, this::list);
        r.schema("AlertList", """
                type: object
                properties:
                  data:
                    type: array
                    items:
                      type: object
                      properties:
                        id: {type: string}
                        created_at: {type: string, format: date-time}
                        type: {type: string}
                        level: {type: string}
                        org_id: {type: [string, 'null']}
                        rule_id: {type: [string, 'null']}
                        rule_name: {type: [string, 'null']}
                        scope: {type: object, additionalProperties: {type: string}}
                        agent: {type: [string, 'null']}
                        metric: {type: [string, 'null']}
                        period: {type: [string, 'null']}
                        period_start: {type: [string, 'null'], format: date-time}
                        value: {type: number}
                        limit: {type: number}
                        percent: {type: number}
                        message: {type: string}
                """);
    }

    private JsonNode list(ServerRequest req, Principal caller) {
        Optional<String> org = AnalyticsRoutes.text(req, "org_id");
        if (org.isPresent() && !caller.mayActOn(org.get())) {
            throw GatewayException.forbidden("org_not_allowed", "this key may only read its own org's alerts");
        }
        Optional<String> type = AnalyticsRoutes.choice(req, "type", TYPES);
        AlertStore.Query query = new AlertStore.Query(caller.allOrgs() ? org : Optional.of(caller.orgId()),
                AnalyticsRoutes.choice(req, "level", LEVELS), type, since(req), AnalyticsRoutes.tag(req, "agent"),
                AnalyticsRoutes.intParam(req, "limit", 100, 1, 1_000));
        ArrayNode data = json.createArrayNode();
        for (Alert a : store.list(query)) {
            data.add(AlertJson.node(json, a));
        }
        return json.createObjectNode().set("data", data);
    }

    private static Optional<Instant> since(ServerRequest req) {
        Optional<String> text = AnalyticsRoutes.text(req, "since");
        try {
            return text.map(Instant::parse);
        } catch (DateTimeParseException e) {
            throw GatewayException.badRequest("since", "since: expected an ISO-8601 instant such as 2026-11-01T00:00:00Z");
        }
    }
}
