package dev.tollgate.policy.cache.semantic;

import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The semantic cache module's entry point, registered in {@code META-INF/services} and found by
 * {@link #load()}. Creating the provider is cheap: the embedding model is loaded by {@link #open} and
 * {@link #pairJudge}, never by the lookup itself, so a gateway with the tier disabled pays nothing for it.
 */
public interface SemanticCacheProvider {

    /** The provider on the class path, if the semantic module is there. */
    static Optional<SemanticCacheProvider> load() {
        return ServiceLoader.load(SemanticCacheProvider.class, SemanticCacheProvider.class.getClassLoader()).findFirst();
    }

    /** One line for logs and the CLI: the embedding model, the index and the decision. */
    String description();

    /** A new, empty index; loads the embedding model on first use. */
    SemanticIndex open(SemanticIndexOptions options);

    /**
     * The hit decision alone, on two texts, for evaluating it on a labelled pair file
     * ({@code tollgate cache eval}). Thread-safe.
     */
    PairJudge pairJudge(SemanticIndexOptions options);

    /** Decides whether a cached answer to one prompt may answer another. */
    interface PairJudge {

        /** Would an answer cached for {@code cached} be served for {@code asked}? */
        PairJudgement judge(String cached, String asked);
    }

    /**
     * @param similarity the cosine similarity of the two embeddings, in [-1, 1]
     * @param score      the learned decision's probability that the answer fits, in [0, 1]
     * @param hit        whether the decision serves it at the strictness asked for
     * @param veto       why a critical-token rule refused it regardless of the score, or empty
     */
    record PairJudgement(double similarity, double score, boolean hit, Optional<String> veto) {
    }
}
