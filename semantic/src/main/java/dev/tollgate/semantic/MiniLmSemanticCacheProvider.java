package dev.tollgate.semantic;

import dev.tollgate.policy.cache.semantic.SemanticCacheProvider;
import dev.tollgate.policy.cache.semantic.SemanticIndex;
import dev.tollgate.policy.cache.semantic.SemanticIndexOptions;
import dev.tollgate.policy.cache.semantic.Strictness;
import dev.tollgate.semantic.decision.HitDecision;
import dev.tollgate.semantic.decision.TextProfile;
import dev.tollgate.semantic.embed.Embedder;
import dev.tollgate.semantic.embed.MemoizingEmbedder;
import dev.tollgate.semantic.embed.MiniLmEmbedder;
import dev.tollgate.semantic.index.LuceneSemanticIndex;

/**
 * The semantic tier as this module builds it: all-MiniLM-L6-v2 (int8) embeddings in-process, a Lucene HNSW
 * index partitioned by namespace, and the learned hit decision shipped in the jar. Registered in
 * {@code META-INF/services}; constructing it loads nothing.
 */
public final class MiniLmSemanticCacheProvider implements SemanticCacheProvider {

    @Override
    public String description() {
        return "all-MiniLM-L6-v2 int8 embeddings (ONNX Runtime, in-process), Lucene HNSW index, learned hit decision";
    }

    @Override
    public SemanticIndex open(SemanticIndexOptions options) {
        HitDecision decision = decision(options);
        return new LuceneSemanticIndex(MiniLmEmbedder.shared(), decision, options);
    }

    @Override
    public PairJudge pairJudge(SemanticIndexOptions options) {
        HitDecision decision = decision(options);
        return judge(new MemoizingEmbedder(MiniLmEmbedder.shared()), decision, options.strictness());
    }

    private static HitDecision decision(SemanticIndexOptions options) {
        return options.decision().map(HitDecision::read).orElseGet(HitDecision::shipped);
    }

    /** The decision on two single prompts, with any embedder (tests and the trainer bring their own). */
    public static PairJudge judge(Embedder embedder, HitDecision decision, Strictness strictness) {
        return (cached, asked) -> decision.judge(TextProfile.of(cached), TextProfile.of(asked),
                Embedder.cosine(embedder.embed(cached), embedder.embed(asked)), strictness);
    }
}
