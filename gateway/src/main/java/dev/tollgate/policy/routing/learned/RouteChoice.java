package dev.tollgate.policy.routing.learned;

import java.util.Locale;

/**
 * The router's decision for one prompt, a value: the tier it needs, its score and the threshold it was
 * compared with ({@code score >= threshold} needs the strong tier), and the target PGR behind the threshold.
 */
public record RouteChoice(QualityTier tier, double score, double threshold, double targetPgr) {

    /** For the routing reason: {@code router 0.612 >= 0.574 (pgr 0.67): strong}. */
    public String reason() {
        return String.format(Locale.ROOT, "router %.3f %s %s (pgr %.2f): %s", score, tier == QualityTier.STRONG ? ">=" : "<",
                Double.isInfinite(threshold) ? (threshold > 0 ? "inf" : "-inf") : String.format(Locale.ROOT, "%.3f", threshold),
                targetPgr, tier.name().toLowerCase(Locale.ROOT));
    }
}
