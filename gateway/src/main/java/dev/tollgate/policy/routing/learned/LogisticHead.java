package dev.tollgate.policy.routing.learned;

import java.util.List;

/**
 * A logistic regression over a featurizer's vector: {@code p = sigmoid(w·x + b)}. Immutable.
 *
 * <p>{@link #train} minimises the mean log loss plus {@code l2/2 · |w|²} (the bias is not penalised) with
 * L-BFGS over the whole training set: deterministic, no learning rate to tune, and the same optimum for
 * the same data. Targets may be soft (any value in [0,1]), which the router uses to learn a prompt's
 * source's average outcome from its text.
 */
public final class LogisticHead {

    private final float[] weights;
    private final float bias;

    public LogisticHead(float[] weights, float bias) {
        this.weights = weights;
        this.bias = bias;
    }

    public int dimension() {
        return weights.length;
    }

    /** The weights, not copied: for writing a model file. */
    float[] weights() {
        return weights;
    }

    public float bias() {
        return bias;
    }

    public double logit(SparseFeatures x) {
        return x.dot(weights) + bias;
    }

    public double probability(SparseFeatures x) {
        return sigmoid(logit(x));
    }

    static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    /** Training settings: the L2 penalty and the most L-BFGS iterations. */
    public record Settings(double l2, int maxIterations) {
        public Settings {
            if (!(l2 >= 0)) {
                throw new IllegalArgumentException("l2: " + l2 + " (expected: >= 0)");
            }
            if (maxIterations < 1) {
                throw new IllegalArgumentException("max iterations: " + maxIterations + " (expected: >= 1)");
            }
        }
    }

    public static LogisticHead train(List<SparseFeatures> xs, double[] targets, int dimension, Settings settings) {
        if (xs.size() != targets.length || xs.isEmpty()) {
            throw new IllegalArgumentException("need one target per example and at least one example: " + xs.size() + " vs " + targets.length);
        }
        LogLoss loss = new LogLoss(xs, targets, settings.l2(), dimension);
        double[] theta = new double[dimension + 1];
        double mean = 0;
        for (double t : targets) {
            mean += t;
        }
        mean = Math.min(1 - 1e-6, Math.max(1e-6, mean / targets.length));
        theta[dimension] = Math.log(mean / (1 - mean));
        Lbfgs.minimize(loss, theta, settings.maxIterations());
        float[] w = new float[dimension];
        for (int i = 0; i < dimension; i++) {
            w[i] = (float) theta[i];
        }
        return new LogisticHead(w, (float) theta[dimension]);
    }

    /** Mean log loss with soft targets, and its gradient; the last coordinate is the bias. */
    private record LogLoss(List<SparseFeatures> xs, double[] y, double l2, int dimension) implements Lbfgs.Objective {
        @Override
        public double valueAndGradient(double[] theta, double[] gradient) {
            java.util.Arrays.fill(gradient, 0);
            double bias = theta[dimension];
            double total = 0;
            int n = xs.size();
            for (int e = 0; e < n; e++) {
                SparseFeatures x = xs.get(e);
                int[] idx = x.indices();
                float[] val = x.values();
                double z = bias;
                for (int i = 0; i < idx.length; i++) {
                    z += theta[idx[i]] * val[i];
                }
                // log(1 + e^z) - y z, computed without overflow.
                total += (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - y[e] * z;
                double r = (sigmoid(z) - y[e]) / n;
                for (int i = 0; i < idx.length; i++) {
                    gradient[idx[i]] += r * val[i];
                }
                gradient[dimension] += r;
            }
            double penalty = 0;
            for (int i = 0; i < dimension; i++) {
                penalty += theta[i] * theta[i];
                gradient[i] += l2 * theta[i];
            }
            return total / n + l2 * penalty / 2;
        }
    }
}
