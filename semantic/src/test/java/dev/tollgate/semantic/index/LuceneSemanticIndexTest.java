package dev.tollgate.semantic.index;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.policy.cache.semantic.SemanticIndex;
import dev.tollgate.policy.cache.semantic.SemanticIndexOptions;
import dev.tollgate.policy.cache.semantic.SemanticMatch;
import dev.tollgate.policy.cache.semantic.SemanticNamespace;
import dev.tollgate.policy.cache.semantic.SemanticText;
import dev.tollgate.policy.cache.semantic.Strictness;
import dev.tollgate.semantic.decision.HitDecision;
import dev.tollgate.semantic.embed.MiniLmEmbedder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The index with the real embedding model and the shipped decision. */
class LuceneSemanticIndexTest {

    private static final SemanticNamespace ACME = new SemanticNamespace("acme", "gpt-4o-mini", "t=0");
    private static final String QUESTION = "How do I reset my password?";
    private static final String PARAPHRASE = "How can I reset my password?";

    private SemanticIndex index = open(1_000);

    @AfterEach
    void close() {
        index.close();
    }

    private static SemanticIndex open(int maxEntries) {
        return new LuceneSemanticIndex(MiniLmEmbedder.shared(), HitDecision.shipped(), new SemanticIndexOptions(maxEntries, Strictness.BALANCED));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aParaphrase_hitsTheStoredAnswer_withItsSimilarity() {
        String id = index.put(ACME, SemanticText.of(QUESTION), bytes("answer-1")).orElseThrow();

        SemanticMatch match = index.lookup(ACME, SemanticText.of(PARAPHRASE)).orElseThrow();

        assertThat(match.entryId()).isEqualTo(id);
        assertThat(new String(match.payload(), StandardCharsets.UTF_8)).isEqualTo("answer-1");
        assertThat(match.similarity()).isBetween(0.9, 1.0);
        assertThat(match.score()).isGreaterThanOrEqualTo(HitDecision.shipped().threshold(Strictness.BALANCED));
        assertThat(index.lookup(ACME, SemanticText.of("What is the capital of France?"))).isEmpty();
    }

    @Test
    void remove_takesOneEntryOut_theNextLookupMissesIt_andCountsDrop() {
        String id = index.put(ACME, SemanticText.of(QUESTION), bytes("answer-1")).orElseThrow();
        index.put(ACME, SemanticText.of("What is the capital of France?"), bytes("answer-2"));

        assertThat(index.remove(id)).isTrue();
        assertThat(index.remove(id)).isFalse();
        assertThat(index.remove("not-an-id")).isFalse();

        assertThat(index.lookup(ACME, SemanticText.of(PARAPHRASE))).isEmpty();
        assertThat(index.lookup(ACME, SemanticText.of("What is the capital of France?"))).isPresent();
        assertThat(index.stats().entries()).isEqualTo(1);
    }

    @Test
    void theSameText_inAnotherOrgModelOrKey_neverHits() {
        index.put(ACME, SemanticText.of(QUESTION), bytes("acme's answer"));

        assertThat(index.lookup(new SemanticNamespace("globex", "gpt-4o-mini", "t=0"), SemanticText.of(QUESTION))).isEmpty();
        assertThat(index.lookup(new SemanticNamespace("acme", "gpt-4o", "t=0"), SemanticText.of(QUESTION))).isEmpty();
        assertThat(index.lookup(new SemanticNamespace("acme", "gpt-4o-mini", "t=1"), SemanticText.of(QUESTION))).isEmpty();
        // parts that would run together without their lengths: "ab" + "c" against "a" + "bc"
        index.put(new SemanticNamespace("ab", "c", ""), SemanticText.of(QUESTION), bytes("x"));
        assertThat(index.lookup(new SemanticNamespace("a", "bc", ""), SemanticText.of(QUESTION))).isEmpty();
        assertThat(index.lookup(ACME, SemanticText.of(QUESTION)).map(m -> new String(m.payload(), StandardCharsets.UTF_8)))
                .contains("acme's answer");
    }

    @Test
    void aFollowUp_onlyHitsInTheSameConversation() {
        String france = "system: You are a geography tutor.\nuser: Tell me about France.\nassistant: France is a country in Western Europe.\n";
        String japan = "system: You are a geography tutor.\nuser: Tell me about Japan.\nassistant: Japan is an island country in East Asia.\n";
        index.put(ACME, new SemanticText(france, "What is its population?"), bytes("about 68 million"));

        assertThat(index.lookup(ACME, new SemanticText(japan, "What is its population?"))).isEmpty();
        assertThat(index.lookup(ACME, SemanticText.of("What is its population?"))).isEmpty();
        assertThat(index.lookup(ACME, new SemanticText(france, "What's its population?"))).isPresent();
        assertThat(index.lookup(ACME, new SemanticText(france.toUpperCase(), "What is its population?"))).isPresent();
    }

    @Test
    void pastItsBound_theLeastRecentlyUsedEntryGoes() {
        index.close();
        index = open(3);
        SemanticNamespace ns = ACME;
        index.put(ns, SemanticText.of("How do I bake sourdough bread?"), bytes("bread"));
        index.put(ns, SemanticText.of("How do I change a flat tyre?"), bytes("tyre"));
        index.put(ns, SemanticText.of("How do I learn to juggle?"), bytes("juggle"));
        assertThat(index.lookup(ns, SemanticText.of("How do I bake sourdough bread?"))).isPresent(); // bread is now the most recent

        index.put(ns, SemanticText.of("How do I tie a bow tie?"), bytes("bow tie"));

        assertThat(index.stats().entries()).isEqualTo(3);
        assertThat(index.stats().maxEntries()).isEqualTo(3);
        assertThat(index.lookup(ns, SemanticText.of("How do I change a flat tyre?"))).isEmpty();
        assertThat(index.lookup(ns, SemanticText.of("How do I bake sourdough bread?"))).isPresent();
        assertThat(index.lookup(ns, SemanticText.of("How do I learn to juggle?"))).isPresent();
        assertThat(index.lookup(ns, SemanticText.of("How do I tie a bow tie?"))).isPresent();
    }

    @Test
    void invalidate_removesOneOrgsEntries_orOnlyOneOfItsModels() {
        SemanticNamespace acmeOther = new SemanticNamespace("acme", "claude-haiku-4-5", "t=0");
        SemanticNamespace globex = new SemanticNamespace("globex", "gpt-4o-mini", "t=0");
        index.put(ACME, SemanticText.of(QUESTION), bytes("1"));
        index.put(acmeOther, SemanticText.of(QUESTION), bytes("2"));
        index.put(globex, SemanticText.of(QUESTION), bytes("3"));
        long bytesBefore = index.stats().bytes();

        assertThat(index.invalidate("acme", Optional.of("gpt-4o-mini"))).isEqualTo(1);
        assertThat(index.lookup(ACME, SemanticText.of(QUESTION))).isEmpty();
        assertThat(index.lookup(acmeOther, SemanticText.of(QUESTION))).isPresent();

        assertThat(index.invalidate("acme", Optional.empty())).isEqualTo(1);
        assertThat(index.lookup(acmeOther, SemanticText.of(QUESTION))).isEmpty();
        assertThat(index.lookup(globex, SemanticText.of(QUESTION))).isPresent();
        assertThat(index.stats().entries()).isEqualTo(1);
        assertThat(index.stats().bytes()).isLessThan(bytesBefore);
    }

    @Test
    void blankPrompts_areNeitherStoredNorLookedUp() {
        assertThat(index.put(ACME, SemanticText.of("   "), bytes("x"))).isEmpty();
        assertThat(index.lookup(ACME, SemanticText.of(""))).isEmpty();
        assertThat(index.stats().entries()).isZero();
    }
}
