package dev.tollgate.policy.routing.learned;

/**
 * Turns a prompt's text into the feature vector a router model's heads read. Implementations are
 * immutable and thread-safe; the same text always gives the same vector.
 *
 * <p>The core ships {@link HashedNgramFeaturizer} (no model files, microseconds per prompt). Another
 * featurizer (for instance the semantic-cache module's MiniLM embedding, as a dense vector) can feed a
 * model trained on it: a model file names the featurizer it was trained with ({@link #id()}), and a
 * model is only ever scored with that featurizer.
 */
public interface PromptFeaturizer {

    /** A stable name of this featurizer and its settings, recorded in model files: {@code hashed-ngrams(...)}. */
    String id();

    /** Indices are below this. */
    int dimension();

    SparseFeatures featurize(String prompt);
}
