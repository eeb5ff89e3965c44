package dev.tollgate.policy.routing;

import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.pipeline.Inbound;
import dev.tollgate.policy.routing.learned.QualityPreference;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * What one call asks of routing, from its headers ({@code /infer} turns its body fields into the same headers):
 * the quality and latency preference (guided mode), a latency budget and a cost ceiling. A malformed value is a
 * 400 naming the header.
 *
 * @param quality        {@code X-Tollgate-Quality-Preference}: empty keeps the configured quality
 * @param lowLatency     {@code X-Tollgate-Latency-Preference: low} (else {@code normal})
 * @param latencyBudgetMs {@code X-Tollgate-Latency-Budget-Ms}: candidates whose observed p95 is above it are left out
 * @param costCeilingUsd {@code X-Tollgate-Budget-Usd}: the most the call may cost at worst
 */
public record CallPreferences(Optional<QualityPreference> quality, boolean lowLatency, OptionalLong latencyBudgetMs,
                              OptionalDouble costCeilingUsd) {

    public static final String QUALITY_HEADER = "X-Tollgate-Quality-Preference";
    public static final String LATENCY_HEADER = "X-Tollgate-Latency-Preference";
    public static final String LATENCY_BUDGET_HEADER = "X-Tollgate-Latency-Budget-Ms";
    public static final String COST_CEILING_HEADER = "X-Tollgate-Budget-Usd";

    public static CallPreferences of(Inbound inbound) {
        Optional<QualityPreference> quality = inbound.header(QUALITY_HEADER).map(text -> {
            try {
                return QualityPreference.parse(text);
            } catch (IllegalArgumentException e) {
                throw GatewayException.badRequest(QUALITY_HEADER, QUALITY_HEADER + ": '" + text
                        + "' (expected: cost, balanced, quality, or a number from 0 to 1)");
            }
        });
        boolean low = inbound.header(LATENCY_HEADER).map(CallPreferences::lowLatency).orElse(false);
        OptionalLong budget = inbound.header(LATENCY_BUDGET_HEADER).map(CallPreferences::latencyBudget)
                .map(OptionalLong::of).orElse(OptionalLong.empty());
        return new CallPreferences(quality, low, budget, costCeiling(inbound));
    }

    /** {@code X-Tollgate-Budget-Usd} alone (the cost-ceiling stage reads only it). */
    public static OptionalDouble costCeiling(Inbound inbound) {
        Optional<String> text = inbound.header(COST_CEILING_HEADER);
        if (text.isEmpty()) {
            return OptionalDouble.empty();
        }
        double value;
        try {
            value = Double.parseDouble(text.get().strip());
        } catch (NumberFormatException e) {
            value = Double.NaN;
        }
        if (!(value > 0) || Double.isInfinite(value)) {
            throw GatewayException.badRequest(COST_CEILING_HEADER, COST_CEILING_HEADER + ": '" + text.get()
                    + "' (expected: a number of US dollars > 0, such as 0.01)");
        }
        return OptionalDouble.of(value);
    }

    private static boolean lowLatency(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "low" -> true;
            case "normal" -> false;
            default -> throw GatewayException.badRequest(LATENCY_HEADER, LATENCY_HEADER + ": '" + text + "' (expected: low or normal)");
        };
    }

    private static long latencyBudget(String text) {
        try {
            long ms = Long.parseLong(text.strip());
            if (ms > 0 && ms <= 3_600_000) {
                return ms;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw GatewayException.badRequest(LATENCY_BUDGET_HEADER, LATENCY_BUDGET_HEADER + ": '" + text
                + "' (expected: whole milliseconds from 1 to 3600000)");
    }

    /** The operating point: the asked quality, else {@code configured}; low latency moves it one level towards cost. */
    public QualityPreference operatingPoint(QualityPreference configured) {
        QualityPreference q = quality.orElse(configured);
        if (!lowLatency) {
            return q;
        }
        return switch (q) {
            case QualityPreference.Level level -> level == QualityPreference.Level.QUALITY ? QualityPreference.Level.BALANCED
                    : QualityPreference.Level.COST;
            case QualityPreference.Target(double pgr) -> new QualityPreference.Target(Math.max(0, pgr - 0.2));
        };
    }
}
