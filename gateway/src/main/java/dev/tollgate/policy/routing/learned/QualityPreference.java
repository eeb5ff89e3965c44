package dev.tollgate.policy.routing.learned;

import java.util.Locale;

/**
 * How much of the strong model's quality a call should keep, as the autopilot receives it
 * ({@code quality_preference} on {@code /infer}, {@code autopilot.quality} in configuration).
 *
 * <p>A number {@code q} in [0, 1] is a target PGR: the share of the accuracy gap between the weak and
 * the strong model to recover, measured on the router's calibration set. 0 never calls the strong
 * model, 1 recovers the whole gap there (which takes fewer strong calls than "always strong": a good
 * router reaches PGR 1 well before 100%). The named levels are defined by the accuracy they keep
 * relative to always calling the strong model on the calibration set — {@code cost} 90%,
 * {@code balanced} 95%, {@code quality} 99% — and each model file records the PGR target they come to
 * ({@link OperatingPoints}).
 */
public sealed interface QualityPreference {

    /** A named level, defined by the share of always-strong accuracy it keeps. */
    enum Level implements QualityPreference {
        COST(0.90), BALANCED(0.95), QUALITY(0.99);

        private final double keptQuality;

        Level(double keptQuality) {
            this.keptQuality = keptQuality;
        }

        /** Accuracy kept relative to always calling the strong model, on the calibration set. */
        public double keptQuality() {
            return keptQuality;
        }

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A target PGR in [0, 1]. */
    record Target(double pgr) implements QualityPreference {
        public Target {
            if (!(pgr >= 0 && pgr <= 1)) {
                throw new IllegalArgumentException("quality_preference: " + pgr + " (expected: a number from 0 to 1, or cost, balanced, quality)");
            }
        }
    }

    QualityPreference DEFAULT = Level.BALANCED;

    /** {@code cost}, {@code balanced}, {@code quality} or a number from 0 to 1. */
    static QualityPreference parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        for (Level level : Level.values()) {
            if (level.wireName().equals(t)) {
                return level;
            }
        }
        double value;
        try {
            value = Double.parseDouble(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("quality_preference: " + text + " (expected: cost, balanced, quality, or a number from 0 to 1)");
        }
        return new Target(value);
    }
}
