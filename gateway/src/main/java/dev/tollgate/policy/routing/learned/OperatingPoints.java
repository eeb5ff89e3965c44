package dev.tollgate.policy.routing.learned;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/**
 * Where a router model turns a score into a tier: for each target PGR (0.00, 0.01, ... 1.00) the score
 * threshold that reached it on the calibration set, and the strong-call share that took there. Built
 * once at training time from a labelled calibration set (the {@code --dev} file, else a held-out part of
 * the training file) and stored in the model file.
 *
 * <p>A preference between two table entries uses the next higher one, so a preference is never served
 * with less quality than it asks for on the calibration set. Target 0 is "never strong" (threshold
 * +infinity).
 *
 * @param thresholds   {@code thresholds[i]}: the threshold for target PGR {@code i/100}
 * @param strongShares {@code strongShares[i]}: the calibration set's strong-call share at that threshold
 * @param weakAccuracy, strongAccuracy the calibration set's accuracies, from which the named levels' PGR follow
 */
public record OperatingPoints(double[] thresholds, double[] strongShares, double weakAccuracy, double strongAccuracy, int calibrationSize) {

    public static final int STEPS = 100;

    public OperatingPoints {
        if (thresholds.length != STEPS + 1 || strongShares.length != STEPS + 1) {
            throw new IllegalArgumentException("operating points: " + thresholds.length + " thresholds (expected: " + (STEPS + 1) + ")");
        }
        for (int i = 1; i <= STEPS; i++) {
            if (thresholds[i] > thresholds[i - 1]) {
                throw new IllegalArgumentException("operating points: thresholds must not rise with the target (at " + i + ")");
            }
        }
    }

    /** The thresholds that reached each target PGR on {@code calibration}, a curve of the model's own scores. */
    public static OperatingPoints calibrate(RoutingCurve calibration) {
        double[] thresholds = new double[STEPS + 1];
        double[] shares = new double[STEPS + 1];
        for (int i = 0; i <= STEPS; i++) {
            double share = calibration.hasGap() ? calibration.cpt((double) i / STEPS) : (i == 0 ? 0 : 1);
            if (Double.isNaN(share)) {
                share = 1;
            }
            thresholds[i] = calibration.thresholdForShare(share);
            shares[i] = share;
        }
        for (int i = 1; i <= STEPS; i++) {
            thresholds[i] = Math.min(thresholds[i], thresholds[i - 1]);
        }
        return new OperatingPoints(thresholds, shares, calibration.weakAccuracy(), calibration.strongAccuracy(), calibration.size());
    }

    /** The target PGR of a preference: a number as given; a named level from the quality it keeps. */
    public double targetPgr(QualityPreference preference) {
        return switch (preference) {
            case QualityPreference.Target(double pgr) -> pgr;
            case QualityPreference.Level level -> {
                if (strongAccuracy <= weakAccuracy) {
                    yield 0;
                }
                double pgr = (level.keptQuality() * strongAccuracy - weakAccuracy) / (strongAccuracy - weakAccuracy);
                yield Math.max(0, Math.min(1, pgr));
            }
        };
    }

    public double threshold(QualityPreference preference) {
        return thresholds[index(targetPgr(preference))];
    }

    /** The strong-call share the preference took on the calibration set. */
    public double strongShare(QualityPreference preference) {
        return strongShares[index(targetPgr(preference))];
    }

    public RouteChoice decide(double score, QualityPreference preference) {
        double target = targetPgr(preference);
        double threshold = thresholds[index(target)];
        return new RouteChoice(score >= threshold ? QualityTier.STRONG : QualityTier.WEAK, score, threshold, target);
    }

    /** The named levels' target PGR, for documentation and {@code tollgate router eval}. */
    public Map<QualityPreference.Level, Double> levels() {
        Map<QualityPreference.Level, Double> out = new EnumMap<>(QualityPreference.Level.class);
        for (QualityPreference.Level level : QualityPreference.Level.values()) {
            out.put(level, targetPgr(level));
        }
        return out;
    }

    private static int index(double target) {
        return (int) Math.ceil(target * STEPS - 1e-9);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OperatingPoints p && Arrays.equals(thresholds, p.thresholds) && Arrays.equals(strongShares, p.strongShares)
                && weakAccuracy == p.weakAccuracy && strongAccuracy == p.strongAccuracy && calibrationSize == p.calibrationSize;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(thresholds) * 31 + Arrays.hashCode(strongShares);
    }

    @Override
    public String toString() {
        return "OperatingPoints[calibration " + calibrationSize + " prompts, weak " + weakAccuracy + ", strong " + strongAccuracy + "]";
    }
}
