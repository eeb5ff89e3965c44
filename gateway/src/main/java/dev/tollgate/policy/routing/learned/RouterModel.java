package dev.tollgate.policy.routing.learned;

import java.util.List;
import java.util.Map;

/**
 * A trained prompt router: logistic heads over a featurizer's vector, then boosted trees over the heads'
 * outputs and a few {@link PromptSignals}. Immutable and thread-safe.
 *
 * <p>The four heads estimate, from the text alone, {@code P(weak correct)}, {@code P(strong correct)}, and
 * the weak and strong accuracy of the prompt's <em>source</em> (its subject, such as
 * {@code mmlu/professional_law}: learned as soft targets, so a prompt inherits the difficulty of the
 * subjects it reads like). The trees read {@link #stackedInputs} and estimate the expected gain of the
 * strong model, {@code g = E[strong correct - weak correct]} in [-1, 1]. The score is {@code (1 + g) / 2}:
 * the probability that the strong model wins with ties counted half ({@code P(only strong right) +
 * ½ P(both or neither)}), in [0, 1], higher = route to the strong model, 0.5 = no expected difference.
 */
public final class RouterModel {

    /** The heads, in this order, in every model file. */
    public static final List<String> HEADS = List.of("weak_correct", "strong_correct", "source_weak", "source_strong");

    private final PromptFeaturizer featurizer;
    private final int signalChars;
    private final List<LogisticHead> heads;
    private final BoostedTrees trees;
    /** The heads' weights interleaved, {@code [bucket * 4 + head]}: one cache line per feature instead of four. */
    private final float[] interleaved;
    private final float[] biases;
    private final OperatingPoints operatingPoints;
    private final Map<String, String> training;

    /**
     * @param signalChars how much of a prompt {@link PromptSignals} reads
     * @param training    how the model was made (data, settings, figures), shown by {@code tollgate router eval}
     */
    public RouterModel(PromptFeaturizer featurizer, int signalChars, List<LogisticHead> heads, BoostedTrees trees,
                       OperatingPoints operatingPoints, Map<String, String> training) {
        if (heads.size() != HEADS.size()) {
            throw new IllegalArgumentException("router model: " + heads.size() + " heads (expected: " + HEADS.size() + ")");
        }
        for (LogisticHead head : heads) {
            if (head.dimension() != featurizer.dimension()) {
                throw new IllegalArgumentException("router model: a head of dimension " + head.dimension()
                        + " for a featurizer of dimension " + featurizer.dimension());
            }
        }
        if (trees.maxFeature() >= stackedSize()) {
            throw new IllegalArgumentException("router model: a tree reads input " + trees.maxFeature() + " of " + stackedSize());
        }
        this.featurizer = featurizer;
        this.signalChars = signalChars;
        this.heads = List.copyOf(heads);
        int k = heads.size();
        this.interleaved = new float[featurizer.dimension() * k];
        this.biases = new float[k];
        for (int h = 0; h < k; h++) {
            float[] w = heads.get(h).weights();
            for (int i = 0; i < w.length; i++) {
                interleaved[i * k + h] = w[i];
            }
            biases[h] = heads.get(h).bias();
        }
        this.trees = trees;
        this.operatingPoints = operatingPoints;
        this.training = Map.copyOf(training);
    }

    /** The number of the trees' inputs: six from the heads, then the signals. */
    static int stackedSize() {
        return 6 + PromptSignals.NAMES.size();
    }

    /** The trees' inputs for a prompt whose head probabilities are {@code p}. */
    static float[] stackedInputs(double[] p, float[] signals) {
        float[] v = new float[stackedSize()];
        v[0] = (float) p[0];
        v[1] = (float) p[1];
        v[2] = (float) (p[1] - p[0]);
        v[3] = (float) p[2];
        v[4] = (float) p[3];
        v[5] = (float) (p[3] - p[2]);
        System.arraycopy(signals, 0, v, 6, signals.length);
        return v;
    }

    double[] headProbabilities(SparseFeatures x) {
        int[] idx = x.indices();
        float[] val = x.values();
        double z0 = biases[0];
        double z1 = biases[1];
        double z2 = biases[2];
        double z3 = biases[3];
        for (int i = 0; i < idx.length; i++) {
            int at = idx[i] << 2;
            float v = val[i];
            z0 += interleaved[at] * v;
            z1 += interleaved[at + 1] * v;
            z2 += interleaved[at + 2] * v;
            z3 += interleaved[at + 3] * v;
        }
        return new double[] {LogisticHead.sigmoid(z0), LogisticHead.sigmoid(z1), LogisticHead.sigmoid(z2), LogisticHead.sigmoid(z3)};
    }

    /** The score of a prompt's text in [0, 1]; higher = more likely to need the strong model. */
    public double score(String prompt) {
        SparseFeatures x = featurizer.featurize(prompt);
        float[] inputs = stackedInputs(headProbabilities(x), PromptSignals.of(prompt, signalChars));
        return scoreFromGain(trees.predict(inputs));
    }

    static double scoreFromGain(double gain) {
        return Math.max(0, Math.min(1, (1 + gain) / 2));
    }

    public PromptFeaturizer featurizer() {
        return featurizer;
    }

    int signalChars() {
        return signalChars;
    }

    List<LogisticHead> heads() {
        return heads;
    }

    BoostedTrees trees() {
        return trees;
    }

    public OperatingPoints operatingPoints() {
        return operatingPoints;
    }

    /** Recalibrated on another labelled set (same heads and trees). */
    public RouterModel withOperatingPoints(OperatingPoints points) {
        return new RouterModel(featurizer, signalChars, heads, trees, points, training);
    }

    public Map<String, String> training() {
        return training;
    }
}
