package dev.tollgate.policy.routing.learned;

import java.util.Arrays;

/**
 * A sum of small regression trees over a dense vector: {@code base + Σ tree(x)} (each tree's leaves
 * already carry the learning rate). Nodes of all trees live in flat arrays; node {@code i} is a leaf when
 * {@code feature[i] < 0}, else it sends {@code x[feature[i]] <= threshold[i]} to {@code left[i]} and the
 * rest to {@code right[i]}. Immutable.
 */
public final class BoostedTrees {

    private final double base;
    private final int[] roots;
    private final int[] feature;
    private final float[] threshold;
    private final int[] left;
    private final int[] right;
    private final float[] value;

    BoostedTrees(double base, int[] roots, int[] feature, float[] threshold, int[] left, int[] right, float[] value) {
        int nodes = feature.length;
        if (threshold.length != nodes || left.length != nodes || right.length != nodes || value.length != nodes) {
            throw new IllegalArgumentException("tree arrays differ in length");
        }
        for (int i = 0; i < nodes; i++) {
            if (feature[i] >= 0 && (left[i] <= i || right[i] <= i || left[i] >= nodes || right[i] >= nodes)) {
                throw new IllegalArgumentException("tree node " + i + " has children outside the node list");
            }
        }
        for (int root : roots) {
            if (root < 0 || root >= nodes) {
                throw new IllegalArgumentException("tree root " + root + " outside the node list");
            }
        }
        this.base = base;
        this.roots = roots;
        this.feature = feature;
        this.threshold = threshold;
        this.left = left;
        this.right = right;
        this.value = value;
    }

    public double predict(float[] x) {
        double sum = base;
        for (int root : roots) {
            int node = root;
            while (feature[node] >= 0) {
                node = x[feature[node]] <= threshold[node] ? left[node] : right[node];
            }
            sum += value[node];
        }
        return sum;
    }

    public int trees() {
        return roots.length;
    }

    /** The largest feature index any split reads, or -1: a model file checks it against its features. */
    int maxFeature() {
        return Arrays.stream(feature).max().orElse(-1);
    }

    double base() {
        return base;
    }

    int[] roots() {
        return roots;
    }

    int[] feature() {
        return feature;
    }

    float[] threshold() {
        return threshold;
    }

    int[] left() {
        return left;
    }

    int[] right() {
        return right;
    }

    float[] value() {
        return value;
    }
}
