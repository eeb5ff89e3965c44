package dev.tollgate.semantic.embed;

/** Turns text into a unit-length vector whose dot product with another is their cosine similarity. Thread-safe. */
public interface Embedder {

    int dimensions();

    /** A unit vector of {@link #dimensions()} floats; the text is truncated as the implementation says. */
    float[] embed(String text);

    /** The cosine similarity of two unit vectors. */
    static double cosine(float[] a, float[] b) {
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
        }
        return dot;
    }
}
