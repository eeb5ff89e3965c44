package dev.tollgate.alerts;

import dev.tollgate.model.Alert;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** One alert as JSON, the same in {@code GET /api/token-usage/alerts} and in webhook bodies. */
public final class AlertJson {

    private AlertJson() {
    }

    public static ObjectNode node(JsonMapper json, Alert a) {
        ObjectNode n = json.createObjectNode().put("id", a.id()).put("created_at", a.createdAt().toString()).put("type", a.type())
                .put("level", a.level()).put("org_id", a.orgId()).put("rule_id", a.ruleId()).put("rule_name", a.ruleName());
        ObjectNode scope = n.putObject("scope");
        a.scope().forEach(scope::put);
        n.put("agent", a.agent()).put("metric", a.metric()).put("period", a.period())
                .put("period_start", a.periodStart() == null ? null : a.periodStart().toString())
                .put("value", a.value()).put("limit", a.limit())
                .put("percent", a.limit() > 0 ? Math.round(a.value() * 1000.0 / a.limit()) / 10.0 : 0)
                .put("message", a.message());
        return n;
    }
}
