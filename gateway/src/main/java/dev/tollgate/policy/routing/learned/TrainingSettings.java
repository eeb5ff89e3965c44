package dev.tollgate.policy.routing.learned;

/**
 * How {@link RouterTrainer} trains a model. {@link #DEFAULT} holds the settings the bundled model was
 * trained with (chosen on a held-out part of {@code train.jsonl}, checked on {@code dev.jsonl}).
 *
 * @param featurizer     the hashed n-gram featurizer's settings
 * @param headL2         L2 penalty of the logistic heads
 * @param headIterations most L-BFGS iterations per head
 * @param folds          cross-fitting folds: the trees learn from heads that did not see the row
 * @param validShare     share of the training rows that only decides when the trees stop (and calibrates without --dev)
 * @param sourcePrior    pseudo-count pulling a small source's accuracy towards the overall one
 * @param trees          the boosted trees' settings
 * @param seed           every random choice (folds, split, subsamples) follows from it
 * @param threads        heads trained at once
 */
public record TrainingSettings(HashedNgramFeaturizer.Spec featurizer, double headL2, int headIterations, int folds, double validShare,
                               double sourcePrior, BoostedTreesTrainer.Settings trees, long seed, int threads) {

    public static final TrainingSettings DEFAULT = new TrainingSettings(HashedNgramFeaturizer.Spec.DEFAULT, 3e-4, 200, 5, 0.15, 5,
            new BoostedTreesTrainer.Settings(600, 0.02, 3, 32, 40, 1.0, 0.8, 60, 20261202L), 20261202L,
            Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())));

    public TrainingSettings {
        if (folds < 2) {
            throw new IllegalArgumentException("folds: " + folds + " (expected: >= 2)");
        }
        if (!(validShare > 0 && validShare < 0.5)) {
            throw new IllegalArgumentException("valid share: " + validShare + " (expected: between 0 and 0.5)");
        }
        if (!(sourcePrior >= 0) || threads < 1) {
            throw new IllegalArgumentException("source prior " + sourcePrior + " and threads " + threads + " (expected: >= 0, >= 1)");
        }
        new LogisticHead.Settings(headL2, headIterations);
    }

    public TrainingSettings withSeed(long s) {
        BoostedTreesTrainer.Settings t = trees;
        return new TrainingSettings(featurizer, headL2, headIterations, folds, validShare, sourcePrior,
                new BoostedTreesTrainer.Settings(t.maxTrees(), t.rate(), t.depth(), t.bins(), t.minLeaf(), t.lambda(), t.subsample(), t.patience(), s),
                s, threads);
    }

    public TrainingSettings withThreads(int n) {
        return new TrainingSettings(featurizer, headL2, headIterations, folds, validShare, sourcePrior, trees, seed, n);
    }

    LogisticHead.Settings head() {
        return new LogisticHead.Settings(headL2, headIterations);
    }
}
