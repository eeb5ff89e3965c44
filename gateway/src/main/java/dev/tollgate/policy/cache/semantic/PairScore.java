package dev.tollgate.policy.cache.semantic;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;

/**
 * Counts of a hit decision on labelled pairs: a hit on a pair marked {@code same} is a true positive, a hit on
 * one that is not a false positive (a wrong answer served), a miss on a {@code same} pair a false negative.
 */
public record PairScore(long truePositives, long falsePositives, long falseNegatives, long trueNegatives) {

    public static final PairScore EMPTY = new PairScore(0, 0, 0, 0);

    public PairScore add(boolean hit, boolean same) {
        return new PairScore(truePositives + (hit && same ? 1 : 0), falsePositives + (hit && !same ? 1 : 0),
                falseNegatives + (!hit && same ? 1 : 0), trueNegatives + (!hit && !same ? 1 : 0));
    }

    public long pairs() {
        return truePositives + falsePositives + falseNegatives + trueNegatives;
    }

    /** Of the hits, how many were right; 1 when there were none (nothing wrong was served). */
    public double precision() {
        long hits = truePositives + falsePositives;
        return hits == 0 ? 1 : truePositives / (double) hits;
    }

    /** Of the pairs that should hit, how many did. */
    public double recall() {
        long positives = truePositives + falseNegatives;
        return positives == 0 ? 0 : truePositives / (double) positives;
    }

    public double f1() {
        double p = precision();
        double r = recall();
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    /** A plain threshold on a score, and how it does. */
    public record AtThreshold(double threshold, PairScore score) {
    }

    /**
     * The highest threshold on {@code scores} (hit when score >= threshold) whose hits reach {@code recall}: what a
     * plain cosine threshold does at the recall of another decision. Empty when no threshold reaches it.
     */
    public static Optional<AtThreshold> atRecall(double[] scores, boolean[] same, double recall) {
        Integer[] order = new Integer[scores.length];
        long positives = 0;
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
            positives += same[i] ? 1 : 0;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> scores[i]).reversed());
        long tp = 0;
        long fp = 0;
        for (int k = 0; k < order.length; k++) {
            int i = order[k];
            tp += same[i] ? 1 : 0;
            fp += same[i] ? 0 : 1;
            boolean tieNext = k + 1 < order.length && scores[order[k + 1]] == scores[i];
            if (!tieNext && positives > 0 && tp / (double) positives >= recall) {
                long hits = tp + fp;
                return Optional.of(new AtThreshold(scores[i],
                        new PairScore(tp, fp, positives - tp, scores.length - hits - (positives - tp))));
            }
        }
        return Optional.empty();
    }

    /** {@code precision 0.975  recall 0.612  F1 0.752  (1,290 pairs: 790 hits, 20 wrong)}. */
    public String summary() {
        return String.format(Locale.ROOT, "precision %.3f  recall %.3f  F1 %.3f  (%,d pairs: %,d hits, %,d wrong)",
                precision(), recall(), f1(), pairs(), truePositives + falsePositives, falsePositives);
    }
}
