package dev.tollgate.alerts;

import dev.tollgate.model.Alert;
import dev.tollgate.model.BudgetSnapshot;
import dev.tollgate.model.TimeOrderedId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The alerts a budget's standing calls for: one per threshold level reached (warning 80%, critical 95%,
 * emergency 98%, or the rule's own levels), and a forecast alert when a monthly budget's linear projection
 * to the end of the month passes its limit. Pure: the dedup key of each alert names the rule, scope, period
 * and level, so the recorder can fire each once.
 *
 * <p>Forecast method: {@code used × period length / elapsed}, once at least {@code forecastAfter} of the
 * month has passed (an early projection from a few calls is noise), and only while the budget is not yet
 * exhausted (then the threshold alerts have said it).
 */
public final class BudgetAlerts {

    /** The default levels, used when a rule gives none. */
    public static final Map<String, Double> DEFAULT_LEVELS = defaults();

    private final Duration forecastAfter;

    public BudgetAlerts(Duration forecastAfter) {
        this.forecastAfter = forecastAfter;
    }

    private static Map<String, Double> defaults() {
        Map<String, Double> levels = new LinkedHashMap<>();
        levels.put("warning", 0.80);
        levels.put("critical", 0.95);
        levels.put("emergency", 0.98);
        return java.util.Collections.unmodifiableMap(levels);
    }

    public List<Alert> of(BudgetSnapshot s, Instant now) {
        List<Alert> out = new ArrayList<>(1);
        Map<String, Double> levels = s.thresholds().isEmpty() ? DEFAULT_LEVELS : s.thresholds();
        double fraction = s.fraction();
        levels.forEach((level, at) -> {
            if (s.limit() > 0 && fraction >= at) {
                out.add(alert(s, now, "threshold", level, s.used(), message(s, level, at)));
            }
        });
        forecast(s, now).ifPresent(out::add);
        return out;
    }

    private java.util.Optional<Alert> forecast(BudgetSnapshot s, Instant now) {
        if (!"month".equals(s.period()) || s.limit() <= 0 || s.used() >= s.limit() || s.periodEnd().equals(Instant.MAX)) {
            return java.util.Optional.empty();
        }
        Duration elapsed = Duration.between(s.periodStart(), now);
        Duration length = Duration.between(s.periodStart(), s.periodEnd());
        if (elapsed.compareTo(forecastAfter) < 0 || elapsed.isZero() || elapsed.isNegative()) {
            return java.util.Optional.empty();
        }
        long projected = Math.round((double) s.used() * length.toMillis() / elapsed.toMillis());
        if (projected <= s.limit()) {
            return java.util.Optional.empty();
        }
        String text = "Budget " + name(s) + scope(s) + " is on course for " + amount(s, projected) + " by the end of the month, over its limit of "
                + amount(s, s.limit()) + " (" + amount(s, s.used()) + " used in " + days(elapsed) + " days)";
        return java.util.Optional.of(alert(s, now, "forecast", "warning", projected, text));
    }

    private static Alert alert(BudgetSnapshot s, Instant now, String type, String level, long value, String message) {
        String dedup = dedupPrefix(type, s.ruleId(), s.orgId(), s.scope(), s.periodStart()) + level;
        return new Alert("alert_" + TimeOrderedId.next(now.toEpochMilli()).toString().replace("-", ""), now, dedup, type, level,
                s.orgId(), s.ruleId(), s.ruleName(), s.scope(), s.metric(), s.period(), s.periodStart(), value, s.limit(), message);
    }

    private static String message(BudgetSnapshot s, String level, double at) {
        return "Budget " + name(s) + scope(s) + " reached " + percent(s.fraction()) + " of its " + periodly(s.period()) + " limit of "
                + amount(s, s.limit()) + " (" + level + " at " + percent(at) + ")";
    }

    private static String periodly(String period) {
        return switch (period) {
            case "day" -> "daily";
            case "month" -> "monthly";
            default -> period;
        };
    }

    /** What every alert of one kind for one budget counter and period shares in its dedup key: all but the level. */
    static String dedupPrefix(String type, String ruleId, String orgId, Map<String, String> scope, Instant periodStart) {
        return type + "|" + ruleId + "|" + orgId + "|" + scopeKey(scope) + "|" + periodStart.toEpochMilli() + "|";
    }

    static String scopeKey(Map<String, String> scope) {
        StringBuilder out = new StringBuilder();
        scope.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> out.append(out.isEmpty() ? "" : ",").append(e.getKey()).append('=').append(e.getValue()));
        return out.toString();
    }

    private static String name(BudgetSnapshot s) {
        return "'" + (s.ruleName() == null ? s.ruleId() : s.ruleName()) + "'";
    }

    private static String scope(BudgetSnapshot s) {
        return s.scope().isEmpty() ? "" : " (" + scopeKey(s.scope()) + ")";
    }

    static String amount(BudgetSnapshot s, long value) {
        return switch (s.metric()) {
            case "cost_usd" -> String.format(Locale.ROOT, "$%.2f", value / 1_000_000.0);
            case "requests" -> value + " requests";
            default -> value + " tokens";
        };
    }

    private static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.1f%%", fraction * 100).replace(".0%", "%");
    }

    private static String days(Duration d) {
        return String.format(Locale.ROOT, "%.1f", d.toMillis() / 86_400_000.0);
    }
}
