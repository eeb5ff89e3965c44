package dev.tollgate.config;

import dev.tollgate.config.BudgetRuleConfig.Action;
import dev.tollgate.config.BudgetRuleConfig.FallbackTarget;
import dev.tollgate.config.BudgetRuleConfig.Metric;
import dev.tollgate.config.BudgetRuleConfig.Period;
import dev.tollgate.config.BudgetRuleConfig.Threshold;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Reads budget rules, from the YAML {@code budgets:} list and from {@code /governance/budgets} bodies
 * alike, so both are validated by one set of rules and every problem names its field path.
 */
public final class BudgetRuleParser {

    private static final Set<String> RULE_KEYS = Set.of("name", "scope", "global", "metric", "tokens", "period", "time_zone", "limit",
            "thresholds", "alerts", "fallback");
    private static final Set<String> FALLBACK_KEYS = Set.of("provider", "model", "max_tokens", "temperature");
    private static final String NAME = "[A-Za-z0-9_.-]{1,64}";
    private static final long MAX_LIMIT = 1L << 53;

    private BudgetRuleParser() {
    }

    /**
     * One rule from an API body. Values are taken as written (no {@code ${VAR}} expansion).
     *
     * @throws ConfigException listing every problem, each starting with its field path
     */
    public static BudgetRuleConfig parse(JsonNode body, ZoneId defaultZone) {
        List<String> problems = new ArrayList<>();
        if (body == null || !body.isObject()) {
            throw new ConfigException("(body): expected a JSON object");
        }
        ConfigTree tree = new ConfigTree(body, "", problems, new EnvInterpolator(name -> null));
        BudgetRuleConfig rule = rule(tree, problems, defaultZone);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return rule;
    }

    /** The {@code budgets:} list; duplicate names and overlapping rules are problems. */
    static List<BudgetRuleConfig> rules(ConfigTree root, List<String> problems, ZoneId defaultZone, Set<String> providers) {
        List<BudgetRuleConfig> out = new ArrayList<>();
        for (ConfigTree t : root.list("budgets")) {
            BudgetRuleConfig rule = rule(t, problems, defaultZone);
            if (rule == null) {
                continue;
            }
            rule.fallback().filter(f -> !providers.contains(f.provider())).ifPresent(f -> t.child("fallback").problem("provider",
                    "'" + f.provider() + "' is not a configured provider (expected one of: " + String.join(", ", new java.util.TreeSet<>(providers)) + ")"));
            for (BudgetRuleConfig other : out) {
                if (other.name().equals(rule.name())) {
                    t.problem("name", "'" + rule.name() + "' is used by another budget (expected: unique names)");
                } else if (other.overlaps(rule)) {
                    t.problem("scope", "same scope, metric and period as budget '" + other.name()
                            + "' (expected: one rule per scope, metric and period)");
                }
            }
            out.add(rule);
        }
        return out;
    }

    static BudgetSettingsConfig settings(ConfigTree t) {
        t.rejectUnknown(Set.of("time_zone", "priority_agents", "priority_keys"));
        ZoneId zone = zone(t, "time_zone", BudgetSettingsConfig.DEFAULTS.zone());
        return BudgetSettingsConfig.of(zone, t.strings("priority_agents", List.of()), t.strings("priority_keys", List.of()));
    }

    /** One rule, or {@code null} when it has problems (they are added to {@code problems}). */
    static BudgetRuleConfig rule(ConfigTree t, List<String> problems, ZoneId defaultZone) {
        int before = problems.size();
        t.rejectUnknown(RULE_KEYS);
        String name = t.string("name", null);
        if (name == null) {
            t.problem("name", "missing (expected: a unique name such as anthropic-per-agent)");
        } else if (!name.matches(NAME)) {
            t.problem("name", "'" + name + "' (expected: 1 to 64 letters, digits, '.', '_' or '-')");
        }
        Map<String, String> scope = scope(t.child("scope"));
        boolean global = t.bool("global", false);
        Metric metric = metric(t);
        Period period = choice(t, "period", Period.class, Period.MONTH);
        ZoneId zone = zone(t, "time_zone", defaultZone);
        long limit = limit(t, metric);
        List<Threshold> thresholds = thresholds(t);
        Map<String, Double> alerts = alerts(t.child("alerts"));
        Optional<FallbackTarget> fallback = fallback(t.child("fallback"), t.has("fallback"));
        if (fallback.isPresent() && thresholds.stream().noneMatch(x -> x.action() == Action.PREFER_FALLBACK)) {
            t.problem("fallback", "set, but no threshold has action prefer_fallback (expected: e.g. {at: 0.95, action: prefer_fallback})");
        }
        if (problems.size() > before) {
            return null;
        }
        return new BudgetRuleConfig(name, scope, metric, period, zone, limit, thresholds, alerts, fallback, global);
    }

    private static Map<String, String> scope(ConfigTree t) {
        t.rejectUnknown(Set.copyOf(BudgetRuleConfig.DIMENSIONS));
        Map<String, String> out = new LinkedHashMap<>();
        for (String dimension : BudgetRuleConfig.DIMENSIONS) {
            String value = t.string(dimension, null);
            if (value == null) {
                continue;
            }
            if (!value.equals(BudgetRuleConfig.EACH) && dev.tollgate.model.Tags.parse(value).isEmpty()) {
                t.problem(dimension, "'" + shortly(value) + "' (expected: " + BudgetRuleConfig.EACH
                        + " for one budget per distinct value, or " + dev.tollgate.model.Tags.EXPECTED + ")");
                continue;
            }
            value = value.equals(BudgetRuleConfig.EACH) ? value : dev.tollgate.model.Tags.parse(value).orElseThrow();
            out.put(dimension, value);
        }
        return out;
    }

    private static Metric metric(ConfigTree t) {
        String text = t.string("metric", "tokens").toLowerCase(Locale.ROOT);
        String tokens = t.string("tokens", null);
        switch (text) {
            case "tokens" -> {
                if (tokens == null || tokens.equals("total")) {
                    return Metric.TOKENS;
                }
                if (tokens.equals("input")) {
                    return Metric.INPUT_TOKENS;
                }
                if (tokens.equals("output")) {
                    return Metric.OUTPUT_TOKENS;
                }
                t.problem("tokens", "'" + shortly(tokens) + "' (expected one of: total, input, output)");
                return Metric.TOKENS;
            }
            case "cost_usd", "requests" -> {
                if (tokens != null) {
                    t.problem("tokens", "only applies to metric tokens");
                }
                return text.equals("cost_usd") ? Metric.COST_USD : Metric.REQUESTS;
            }
            default -> {
                t.problem("metric", "'" + shortly(text) + "' (expected one of: tokens, cost_usd, requests)");
                return Metric.TOKENS;
            }
        }
    }

    private static long limit(ConfigTree t, Metric metric) {
        if (!t.has("limit")) {
            t.problem("limit", "missing (expected: a number > 0" + (metric == Metric.COST_USD ? ", in US dollars)" : ")"));
            return 0;
        }
        String text = t.string("limit", "").trim().replace("_", "");
        try {
            if (metric == Metric.COST_USD) {
                java.math.BigDecimal usd = new java.math.BigDecimal(text);
                if (usd.signum() <= 0 || usd.compareTo(java.math.BigDecimal.valueOf(1_000_000_000L)) > 0) {
                    t.problem("limit", text + " (expected: US dollars > 0 and at most 1000000000)");
                    return 0;
                }
                return usd.movePointRight(6).setScale(0, java.math.RoundingMode.HALF_UP).longValueExact();
            }
            long value = Long.parseLong(text);
            if (value <= 0 || value > MAX_LIMIT) {
                t.problem("limit", text + " (expected: a whole number from 1 to " + MAX_LIMIT + ")");
                return 0;
            }
            return value;
        } catch (NumberFormatException | ArithmeticException e) {
            t.problem("limit", "'" + shortly(text) + "' (expected: a " + (metric == Metric.COST_USD ? "number of US dollars" : "whole number") + " > 0)");
            return 0;
        }
    }

    private static List<Threshold> thresholds(ConfigTree t) {
        List<Threshold> out = new ArrayList<>();
        Set<Action> seen = EnumSet.noneOf(Action.class);
        for (ConfigTree item : t.list("thresholds")) {
            item.rejectUnknown(Set.of("at", "action"));
            Double at = share(item, "at");
            if (!item.has("action")) {
                item.problem("action", "missing (expected one of: warn, prefer_fallback, emergency, block)");
                continue;
            }
            Action action = choice(item, "action", Action.class, null);
            if (action == null || at == null) {
                continue;
            }
            if (!seen.add(action)) {
                item.problem("action", "'" + action.wireName() + "' appears twice (expected: one threshold per action)");
                continue;
            }
            out.add(new Threshold(at, action));
        }
        out.sort(java.util.Comparator.comparingDouble(Threshold::at));
        return out;
    }

    private static Map<String, Double> alerts(ConfigTree t) {
        t.rejectUnknown(BudgetRuleConfig.DEFAULT_ALERTS.keySet());
        Map<String, Double> out = new LinkedHashMap<>();
        for (String level : List.of("warning", "critical", "emergency")) {
            Double at = t.has(level) ? share(t, level) : BudgetRuleConfig.DEFAULT_ALERTS.get(level);
            if (at != null) {
                out.put(level, at);
            }
        }
        double previous = 0;
        for (var e : out.entrySet()) {
            if (e.getValue() < previous) {
                t.problem(e.getKey(), e.getValue() + " is below the level before it (expected: warning <= critical <= emergency)");
            }
            previous = e.getValue();
        }
        return out;
    }

    private static Optional<FallbackTarget> fallback(ConfigTree t, boolean present) {
        if (!present) {
            return Optional.empty();
        }
        t.rejectUnknown(FALLBACK_KEYS);
        String provider = t.string("provider", null);
        String model = t.string("model", null);
        if (provider == null) {
            t.problem("provider", "missing (expected: the name of a configured provider)");
        }
        if (model == null) {
            t.problem("model", "missing (expected: the model to call there, e.g. gpt-4o-mini)");
        }
        Optional<Integer> maxTokens = t.has("max_tokens")
                ? Optional.of((int) t.number("max_tokens", 1, 1, 1_000_000)) : Optional.empty();
        Optional<Double> temperature = Optional.empty();
        if (t.has("temperature")) {
            Double value = t.decimal("temperature");
            if (value != null && value > 2) {
                t.problem("temperature", value + " (expected: 0 to 2)");
            } else if (value != null) {
                temperature = Optional.of(value);
            }
        }
        return provider == null || model == null ? Optional.empty()
                : Optional.of(new FallbackTarget(provider, model, maxTokens, temperature));
    }

    /** A share of the limit: 0 &lt; value &le; 1. */
    private static Double share(ConfigTree t, String name) {
        String text = t.string(name, null);
        if (text == null) {
            t.problem(name, "missing (expected: a share of the limit, 0 < x <= 1, e.g. 0.95)");
            return null;
        }
        try {
            double v = Double.parseDouble(text.trim());
            if (!(v > 0 && v <= 1)) {
                t.problem(name, text + " (expected: a share of the limit, 0 < x <= 1, e.g. 0.95)");
                return null;
            }
            return v;
        } catch (NumberFormatException e) {
            t.problem(name, "'" + shortly(text) + "' (expected: a share of the limit, 0 < x <= 1, e.g. 0.95)");
            return null;
        }
    }

    private static <E extends Enum<E>> E choice(ConfigTree t, String name, Class<E> type, E fallback) {
        String text = t.string(name, null);
        if (text == null) {
            return fallback;
        }
        try {
            return Enum.valueOf(type, text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            List<String> names = new ArrayList<>();
            for (E c : type.getEnumConstants()) {
                names.add(c.name().toLowerCase(Locale.ROOT));
            }
            t.problem(name, "'" + shortly(text) + "' (expected one of: " + String.join(", ", names) + ")");
            return fallback;
        }
    }

    private static ZoneId zone(ConfigTree t, String name, ZoneId fallback) {
        String text = t.string(name, null);
        if (text == null) {
            return fallback;
        }
        try {
            return ZoneId.of(text.trim());
        } catch (DateTimeException e) {
            t.problem(name, "'" + shortly(text) + "' (expected: a time zone such as UTC or Europe/Berlin)");
            return fallback;
        }
    }

    private static String shortly(String text) {
        return text.length() > 64 ? text.substring(0, 64) + "…" : text;
    }
}
