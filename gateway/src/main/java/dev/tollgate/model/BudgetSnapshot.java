package dev.tollgate.model;

import java.time.Instant;
import java.util.Map;

/**
 * Where one budget stands for one scope in its current period, as the budget stage reports it to the
 * listeners (alerts) after each reservation settles.
 *
 * @param orgId       the org the scope belongs to, or {@code null} for a global rule
 * @param scope       the selector values this counter is for ({@code agent=imperium}, {@code provider=anthropic})
 * @param metric      {@code tokens}, {@code cost_usd} (then {@code used} and {@code limit} are micro-dollars) or {@code requests}
 * @param periodStart start of the current period ({@link Instant#EPOCH} for {@code total})
 * @param periodEnd   end of the current period ({@link Instant#MAX} for {@code total})
 * @param thresholds  alert levels by name ({@code warning → 0.80}, {@code critical → 0.95}, {@code emergency → 0.98}), in rising order
 */
public record BudgetSnapshot(
        String ruleId,
        String ruleName,
        String orgId,
        Map<String, String> scope,
        String metric,
        String period,
        Instant periodStart,
        Instant periodEnd,
        long used,
        long limit,
        Map<String, Double> thresholds) {

    public BudgetSnapshot {
        scope = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(scope));
        thresholds = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(thresholds));
    }

    /** Used as a share of the limit (1.0 = exhausted). */
    public double fraction() {
        return limit == 0 ? 1.0 : (double) used / limit;
    }
}
