package dev.tollgate.config;

import java.math.BigDecimal;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One budget rule: which calls it counts ({@code scope}), what ({@code metric}), over which calendar
 * period, up to which {@code limit}, and what happens at which share of it ({@code thresholds}).
 *
 * @param name       unique id of the rule ({@code anthropic-per-agent})
 * @param scope      selector by dimension ({@code org}, {@code key}, {@code agent}, {@code feature}, {@code provider},
 *                   {@code model}); a value of {@code *} keeps one counter per distinct value; empty = global
 * @param limit      in the metric's unit: tokens, requests, or micro-dollars for {@code cost_usd}
 * @param alerts     alert levels by name ({@code warning}, {@code critical}, {@code emergency}) reported with each settlement
 * @param fallback   where calls go once a {@code prefer_fallback} threshold is passed; empty = just prefer other deployments
 * @param global     a rule with a {@code *} selector and no {@code org} keeps one counter per org and value; {@code true}
 *                   (written {@code global: true}) shares its counters across orgs on purpose
 */
public record BudgetRuleConfig(
        String name,
        Map<String, String> scope,
        Metric metric,
        Period period,
        ZoneId zone,
        long limit,
        List<Threshold> thresholds,
        Map<String, Double> alerts,
        Optional<FallbackTarget> fallback,
        boolean global) {

    /** The selector dimensions, in the order counter keys list them. */
    public static final List<String> DIMENSIONS = List.of("org", "key", "agent", "feature", "provider", "model");
    public static final String EACH = "*";
    public static final Map<String, Double> DEFAULT_ALERTS = Map.of("warning", 0.80, "critical", 0.95, "emergency", 0.98);

    public BudgetRuleConfig {
        scope = Map.copyOf(scope);
        thresholds = List.copyOf(thresholds);
        alerts = risingOrder(alerts);
    }

    /** A rule whose {@code *} counters are kept per org. */
    public BudgetRuleConfig(String name, Map<String, String> scope, Metric metric, Period period, ZoneId zone, long limit,
                            List<Threshold> thresholds, Map<String, Double> alerts, Optional<FallbackTarget> fallback) {
        this(name, scope, metric, period, zone, limit, thresholds, alerts, fallback, false);
    }

    /**
     * Whether counters are kept per org although the scope names none: a {@code *} selector (what the env
     * shortcuts create) must not add one org's calls to another's, unless the rule is {@code global}.
     */
    public boolean countsPerOrg() {
        return !global && !scope.containsKey("org") && scope.containsValue(EACH);
    }

    /** The selectors counters are kept by: the scope, plus {@code org: *} when {@link #countsPerOrg()}. */
    public Map<String, String> counterScope() {
        if (!countsPerOrg()) {
            return scope;
        }
        Map<String, String> out = new java.util.HashMap<>(scope);
        out.put("org", EACH);
        return Map.copyOf(out);
    }

    /** Alert levels in rising order, as snapshots report them. */
    private static Map<String, Double> risingOrder(Map<String, Double> alerts) {
        Map<String, Double> out = new java.util.LinkedHashMap<>();
        alerts.entrySet().stream().sorted(Map.Entry.comparingByValue()).forEach(e -> out.put(e.getKey(), e.getValue()));
        return java.util.Collections.unmodifiableMap(out);
    }

    /** What a rule counts. {@code TOKENS} is input + output. */
    public enum Metric {
        TOKENS("tokens"), INPUT_TOKENS("tokens:input"), OUTPUT_TOKENS("tokens:output"), COST_USD("cost_usd"), REQUESTS("requests");

        private final String code;

        Metric(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }

        /** The unit as the APIs name it: {@code tokens}, {@code cost_usd} or {@code requests}. */
        public String wireName() {
            return switch (this) {
                case TOKENS, INPUT_TOKENS, OUTPUT_TOKENS -> "tokens";
                case COST_USD -> "cost_usd";
                case REQUESTS -> "requests";
            };
        }

        /** How the API shows an amount of this metric (dollars for cost, else the count). */
        public String display(long amount) {
            // toPlainString: a $100 limit reads "100", not BigDecimal's "1E+2".
            return this == COST_USD ? BigDecimal.valueOf(amount, 6).stripTrailingZeros().toPlainString() : Long.toString(amount);
        }
    }

    /** A calendar period, aligned to the rule's time zone; {@code TOTAL} never resets. */
    public enum Period {
        DAY, MONTH, TOTAL;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What happens once usage reaches a share of the limit. Passing 100% always blocks. */
    public enum Action {
        WARN, PREFER_FALLBACK, EMERGENCY, BLOCK;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** At {@code at} (0 &lt; at &le; 1) of the limit, {@code action}. */
    public record Threshold(double at, Action action) {
    }

    /**
     * The call that replaces one whose budget passed {@code prefer_fallback}: sent to {@code provider} as
     * {@code model}, with {@code max_tokens} and {@code temperature} rewritten when set.
     */
    public record FallbackTarget(String provider, String model, Optional<Integer> maxTokens, Optional<Double> temperature) {
    }

    /** The lowest threshold with {@code action}, if any. */
    public Optional<Threshold> threshold(Action action) {
        for (Threshold t : thresholds) {
            if (t.action() == action) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** Rules with the same selector, metric and period would count the same calls twice. */
    public boolean overlaps(BudgetRuleConfig other) {
        return scope.equals(other.scope) && metric == other.metric && period == other.period;
    }
}
