package dev.tollgate.policy.routing.learned;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The quality of a router on a labelled set, as RouteLLM measures it (Ong et al., arXiv:2406.18665).
 *
 * <p>Sort the prompts by score, highest first, and send the top {@code k} to the strong model and the rest
 * to the weak one, for every {@code k} from 0 to {@code n}. {@code accuracy(k)} counts the routed model's
 * correctness; {@code PGR(k) = (accuracy(k) - weak accuracy) / (strong accuracy - weak accuracy)} (the
 * performance gap recovered). APGR is the area under PGR over the strong-call share {@code k/n} from 0 to
 * 1 (trapezoids over every {@code k}); CPT(x) is the smallest strong-call share whose PGR reaches x.
 *
 * <p>Prompts with equal scores have no order of their own: inside a run of equal scores the curve is the
 * expectation over their random order, a straight line between the run's ends. So a router that gives
 * every prompt the same score scores APGR 0.5 exactly, as a random router does on average. RouteLLM's
 * script samples ten thresholds and interpolates; this is the same curve at every {@code k}.
 */
public final class RoutingCurve {

    /** One labelled prompt with its router score. */
    public record Point(double score, boolean weakCorrect, boolean strongCorrect) {
    }

    private final int n;
    private final double weakAccuracy;
    private final double strongAccuracy;
    /** {@code correct[k]}: expected number of correct answers with the top k sent to the strong model. */
    private final double[] correct;
    /** {@code scores[k]}: the score of the k-th prompt in descending order (k = 0 .. n-1). */
    private final double[] sortedScores;

    private RoutingCurve(int n, double weakAccuracy, double strongAccuracy, double[] correct, double[] sortedScores) {
        this.n = n;
        this.weakAccuracy = weakAccuracy;
        this.strongAccuracy = strongAccuracy;
        this.correct = correct;
        this.sortedScores = sortedScores;
    }

    public static RoutingCurve of(List<Point> points) {
        if (points.isEmpty()) {
            throw new IllegalArgumentException("a routing curve needs at least one labelled prompt");
        }
        Point[] sorted = points.toArray(Point[]::new);
        Arrays.sort(sorted, Comparator.comparingDouble(Point::score).reversed());
        int n = sorted.length;
        int weak = 0;
        int strong = 0;
        for (Point p : sorted) {
            weak += p.weakCorrect() ? 1 : 0;
            strong += p.strongCorrect() ? 1 : 0;
        }
        double[] correct = new double[n + 1];
        double[] scores = new double[n];
        correct[0] = weak;
        double running = weak;
        for (int i = 0; i < n; ) {
            int j = i;
            int gain = 0;
            while (j < n && Double.compare(sorted[j].score(), sorted[i].score()) == 0) {
                gain += gain(sorted[j]);
                scores[j] = sorted[j].score();
                j++;
            }
            for (int k = i + 1; k <= j; k++) {
                correct[k] = running + gain * (double) (k - i) / (j - i);
            }
            running += gain;
            i = j;
        }
        return new RoutingCurve(n, (double) weak / n, (double) strong / n, correct, scores);
    }

    private static int gain(Point p) {
        return (p.strongCorrect() ? 1 : 0) - (p.weakCorrect() ? 1 : 0);
    }

    public int size() {
        return n;
    }

    public double weakAccuracy() {
        return weakAccuracy;
    }

    public double strongAccuracy() {
        return strongAccuracy;
    }

    /** False when both models are equally accurate here: PGR, APGR and CPT are then undefined (NaN). */
    public boolean hasGap() {
        return strongAccuracy != weakAccuracy;
    }

    /** Accuracy with the {@code k} highest-scored prompts sent to the strong model. */
    public double accuracy(int k) {
        return correct[checkK(k)] / n;
    }

    private int checkK(int k) {
        if (k < 0 || k > n) {
            throw new IllegalArgumentException("strong calls: " + k + " (expected: 0 to " + n + ")");
        }
        return k;
    }

    public double pgr(int k) {
        return (accuracy(k) - weakAccuracy) / (strongAccuracy - weakAccuracy);
    }

    /** Area under PGR over the strong-call share, trapezoids over every k; NaN without a gap. */
    public double apgr() {
        if (!hasGap()) {
            return Double.NaN;
        }
        double area = 0;
        for (int k = 1; k <= n; k++) {
            area += (pgr(k - 1) + pgr(k)) / 2;
        }
        return area / n;
    }

    /** The smallest strong-call share whose PGR reaches {@code target}; NaN without a gap or if never reached. */
    public double cpt(double target) {
        if (!hasGap()) {
            return Double.NaN;
        }
        for (int k = 0; k <= n; k++) {
            // A tolerance for the rounding of the ratio: PGR(n) is exactly 1 in exact arithmetic.
            if (pgr(k) >= target - 1e-12) {
                return (double) k / n;
            }
        }
        return Double.NaN;
    }

    /** How many prompts score at or above {@code threshold}: the strong calls at that threshold. */
    public int strongCalls(double threshold) {
        int lo = 0;
        int hi = n;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sortedScores[mid] >= threshold) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /**
     * The threshold that sends about {@code share} of these prompts to the strong model: the score of the
     * last prompt inside the share (a score at or above the threshold routes strong). 0 → +infinity
     * (nothing strong), 1 → -infinity (everything strong).
     */
    public double thresholdForShare(double share) {
        if (!(share >= 0 && share <= 1)) {
            throw new IllegalArgumentException("strong share: " + share + " (expected: 0 to 1)");
        }
        int k = (int) Math.round(share * n);
        if (k == 0) {
            return Double.POSITIVE_INFINITY;
        }
        if (k == n) {
            return Double.NEGATIVE_INFINITY;
        }
        return sortedScores[k - 1];
    }
}
