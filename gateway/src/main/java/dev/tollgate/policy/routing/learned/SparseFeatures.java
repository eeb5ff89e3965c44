package dev.tollgate.policy.routing.learned;

import java.util.Arrays;

/**
 * A feature vector as sorted distinct indices and their values; dense vectors (an embedding) are the
 * case where every index below the dimension is present. Arrays are owned by the vector: callers never
 * write to them.
 */
public record SparseFeatures(int[] indices, float[] values) {

    public SparseFeatures {
        if (indices.length != values.length) {
            throw new IllegalArgumentException("indices and values differ in length: " + indices.length + " vs " + values.length);
        }
    }

    /** A dense vector: index i holds {@code values[i]}. */
    public static SparseFeatures dense(float[] values) {
        int[] indices = new int[values.length];
        Arrays.setAll(indices, i -> i);
        return new SparseFeatures(indices, values);
    }

    public int size() {
        return indices.length;
    }

    /** The dot product with a weight vector indexed like these features. */
    public double dot(float[] weights) {
        double sum = 0;
        for (int i = 0; i < indices.length; i++) {
            sum += weights[indices[i]] * values[i];
        }
        return sum;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SparseFeatures other && Arrays.equals(indices, other.indices) && Arrays.equals(values, other.values);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(indices) + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "SparseFeatures[" + indices.length + " non-zero]";
    }
}
