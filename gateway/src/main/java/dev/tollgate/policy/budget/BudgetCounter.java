package dev.tollgate.policy.budget;

import dev.tollgate.config.BudgetRuleConfig;
import dev.tollgate.config.BudgetRuleConfig.Action;
import dev.tollgate.model.BudgetSnapshot;
import dev.tollgate.store.Claim;
import java.util.Map;
import java.util.StringJoiner;

/**
 * One counter of one rule: the rule, the selector values it counts ({@code agent=imperium,
 * provider=anthropic}) and its current period. The key names all three, so a new period, or another
 * agent under {@code agent: "*"}, is simply another counter.
 */
public record BudgetCounter(BudgetRuleConfig rule, Map<String, String> scope, BudgetWindow window, String key) {

    /** The counter of {@code scope}'s values; the key lists them in dimension order, whatever the map's order. */
    public static BudgetCounter of(BudgetRuleConfig rule, Map<String, String> scope, BudgetWindow window) {
        StringJoiner values = new StringJoiner(",");
        Map<String, String> ordered = new java.util.LinkedHashMap<>();
        for (String d : BudgetRuleConfig.DIMENSIONS) {
            String v = scope.get(d);
            if (v != null) {
                values.add(d + "=" + v);
                ordered.put(d, v);
            }
        }
        String key = "budget|" + rule.name() + "|" + rule.metric().code() + "|" + values + "|" + window.label();
        return new BudgetCounter(rule, java.util.Collections.unmodifiableMap(ordered), window, key);
    }

    /**
     * The most this counter may reach: the limit, or less when a {@code block} threshold sits below 100%.
     */
    public long hardLimit() {
        return rule.threshold(Action.BLOCK).map(t -> (long) Math.floor(t.at() * rule.limit())).orElse(rule.limit());
    }

    Claim claim(long amount) {
        return new Claim(key, amount, hardLimit(), window.end());
    }

    public BudgetSnapshot snapshot(long used) {
        return new BudgetSnapshot(rule.name(), rule.name(), scope.get("org"), declared(), rule.metric().wireName(),
                rule.period().wireName(), window.start(), window.end(), used, rule.limit(), rule.alerts());
    }

    /** The values of the rule's own selectors: without the org a per-org counter adds (the snapshot names its org). */
    private Map<String, String> declared() {
        if (!rule.countsPerOrg()) {
            return scope;
        }
        Map<String, String> out = new java.util.LinkedHashMap<>(scope);
        out.remove("org");
        return java.util.Collections.unmodifiableMap(out);
    }

    /** "agent imperium" — the rule's selector values other than provider, for messages (a per-org counter is the caller's org). */
    public String describeScope() {
        StringJoiner out = new StringJoiner(", ");
        Map<String, String> values = declared();
        for (String d : BudgetRuleConfig.DIMENSIONS) {
            String v = values.get(d);
            if (v != null && !d.equals("provider")) {
                out.add(d + " " + v);
            }
        }
        return out.length() == 0 ? "all calls" : out.toString();
    }

    public double fraction(long used) {
        return rule.limit() == 0 ? 1.0 : (double) used / rule.limit();
    }
}
