package dev.tollgate.semantic.index;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.policy.cache.semantic.SemanticIndex;
import dev.tollgate.policy.cache.semantic.SemanticIndexOptions;
import dev.tollgate.policy.cache.semantic.SemanticMatch;
import dev.tollgate.policy.cache.semantic.SemanticNamespace;
import dev.tollgate.policy.cache.semantic.SemanticText;
import dev.tollgate.policy.cache.semantic.Strictness;
import dev.tollgate.semantic.decision.HitDecision;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The index at sizes where Lucene walks the HNSW graph (namespaces of thousands of entries, not the exact scan
 * of a small filter), with {@link FakeEmbedder} so it runs in seconds: isolation and the bound stay exact.
 */
class LuceneSemanticIndexScaleTest {

    private static final int PER_NAMESPACE = 2_000;

    private static SemanticIndex open(int maxEntries) {
        return new LuceneSemanticIndex(new FakeEmbedder(), HitDecision.shipped(), new SemanticIndexOptions(maxEntries, Strictness.BALANCED));
    }

    private static String prompt(int i) {
        return "Question number " + i + " about topic " + (i * 7919 % 1000);
    }

    private static String payload(Optional<SemanticMatch> m) {
        return m.map(x -> new String(x.payload(), StandardCharsets.UTF_8)).orElse("(miss)");
    }

    @Test
    void sameTextsInTwoLargeNamespaces_eachAnswersOnlyWithItsOwn() {
        SemanticNamespace a = new SemanticNamespace("org-a", "m", "");
        SemanticNamespace b = new SemanticNamespace("org-b", "m", "");
        try (SemanticIndex index = open(10 * PER_NAMESPACE)) {
            for (int i = 0; i < PER_NAMESPACE; i++) {
                index.put(a, SemanticText.of(prompt(i)), ("a" + i).getBytes(StandardCharsets.UTF_8));
                index.put(b, SemanticText.of(prompt(i)), ("b" + i).getBytes(StandardCharsets.UTF_8));
            }
            for (int i = 0; i < PER_NAMESPACE; i += 37) {
                assertThat(payload(index.lookup(a, SemanticText.of(prompt(i))))).isEqualTo("a" + i);
                assertThat(payload(index.lookup(b, SemanticText.of(prompt(i))))).isEqualTo("b" + i);
                assertThat(index.lookup(new SemanticNamespace("org-c", "m", ""), SemanticText.of(prompt(i)))).isEmpty();
            }
            assertThat(index.stats().entries()).isEqualTo(2L * PER_NAMESPACE);
        }
    }

    @Test
    void pastTheBound_exactlyTheOldestAreGone() {
        SemanticNamespace ns = new SemanticNamespace("org-a", "m", "");
        int bound = 1_000;
        try (SemanticIndex index = open(bound)) {
            for (int i = 0; i < 1_500; i++) {
                index.put(ns, SemanticText.of(prompt(i)), ("p" + i).getBytes(StandardCharsets.UTF_8));
            }
            assertThat(index.stats().entries()).isEqualTo(bound);
            int found = 0;
            for (int i = 0; i < 1_500; i++) {
                Optional<SemanticMatch> m = index.lookup(ns, SemanticText.of(prompt(i)));
                if (i < 500) {
                    assertThat(m).as("evicted entry %d", i).isEmpty();
                } else {
                    assertThat(payload(m)).isEqualTo("p" + i);
                    found++;
                }
            }
            assertThat(found).isEqualTo(bound);
        }
    }
}
