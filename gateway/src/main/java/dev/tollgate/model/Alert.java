package dev.tollgate.model;

import java.time.Instant;
import java.util.Map;

/**
 * One alert: a budget passing a threshold, a spike of spend, or a forecast passing a budget.
 * {@code dedupKey} names what the alert is about (type, scope, level, period); an alert with the same key
 * fires once, also across restarts.
 *
 * @param type     {@code threshold}, {@code spike} or {@code forecast}
 * @param level    {@code warning}, {@code critical} or {@code emergency} for thresholds (or the rule's own
 *                 level names); {@code warning} for spikes and forecasts
 * @param orgId    the org the alert belongs to; {@code null} for a global budget (only the master key sees it)
 * @param scope    what it is about ({@code agent=imperium}, {@code provider=anthropic})
 * @param metric   {@code tokens}, {@code cost_usd} (micro-dollars in {@code value}/{@code limit}) or {@code requests}
 * @param value    the figure that raised it: used so far, the hour's spend, or the projection
 * @param limit    the figure it was compared with: the budget's limit, or the trailing average × multiple
 */
public record Alert(
        String id,
        Instant createdAt,
        String dedupKey,
        String type,
        String level,
        String orgId,
        String ruleId,
        String ruleName,
        Map<String, String> scope,
        String metric,
        String period,
        Instant periodStart,
        long value,
        long limit,
        String message) {

    public Alert {
        scope = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(scope));
    }

    /** The agent the alert is about, when its scope names one. */
    public String agent() {
        return scope.get("agent");
    }
}
