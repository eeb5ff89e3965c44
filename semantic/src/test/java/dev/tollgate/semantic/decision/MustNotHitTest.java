package dev.tollgate.semantic.decision;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.policy.cache.semantic.SemanticCacheProvider.PairJudge;
import dev.tollgate.policy.cache.semantic.SemanticCacheProvider.PairJudgement;
import dev.tollgate.policy.cache.semantic.Strictness;
import dev.tollgate.semantic.MiniLmSemanticCacheProvider;
import dev.tollgate.semantic.embed.MiniLmEmbedder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The false hits users report most: prompts that differ only in a number, a negation, a language or a name.
 * Every pair must miss even at the most lenient setting; the paraphrases at the end must still hit at balanced,
 * so the misses are not a decision that refuses everything.
 */
class MustNotHitTest {

    private static final List<String[]> MUST_MISS = List.of(
            // numbers
            new String[] {"What is 15% of 240?", "What is 15% of 250?"},
            new String[] {"Convert 100 USD to EUR", "Convert 1000 USD to EUR"},
            new String[] {"Summarise the 2023 annual report", "Summarise the 2024 annual report"},
            new String[] {"How many calories are in 2 eggs?", "How many calories are in 3 eggs?"},
            new String[] {"Write a haiku in 5 lines", "Write a haiku in three lines"},
            new String[] {"Is 17 a prime number?", "Is 21 a prime number?"},
            new String[] {"Book a table for two at 7pm", "Book a table for four at 7pm"},
            // negation
            new String[] {"Is it safe to eat raw eggs?", "Is it not safe to eat raw eggs?"},
            new String[] {"Why does my code compile?", "Why doesn't my code compile?"},
            new String[] {"List foods that contain gluten", "List foods that contain no gluten"},
            new String[] {"Should I use a VPN on public Wi-Fi?", "Should I never use a VPN on public Wi-Fi?"},
            new String[] {"Can I take ibuprofen with alcohol?", "Can I take ibuprofen without alcohol?"},
            // languages and scripts
            new String[] {"How do I reset my password?", "Wie setze ich mein Passwort zurück?"},
            new String[] {"What is the capital of France?", "Quelle est la capitale de la France ?"},
            new String[] {"What is the weather like today?", "Какая сегодня погода?"},
            new String[] {"Translate 'good morning'", "翻译“早上好”"},
            new String[] {"¿Cómo aprendo a programar en Python?", "How do I learn to program in Python?"},
            // names and entities
            new String[] {"How do I learn Python?", "How do I learn Java?"},
            new String[] {"What is the population of Germany?", "What is the population of France?"},
            new String[] {"Who founded Microsoft?", "Who founded Apple?"},
            new String[] {"How do I install PostgreSQL on Ubuntu?", "How do I install MySQL on Ubuntu?"},
            new String[] {"What did Einstein discover?", "What did Newton discover?"},
            new String[] {"Compare the iPhone 15 with the Pixel 8", "Compare the iPhone 15 with the Galaxy S24"},
            // opposites
            new String[] {"What are the advantages of remote work?", "What are the disadvantages of remote work?"},
            new String[] {"How do I enable dark mode in Chrome?", "How do I disable dark mode in Chrome?"},
            new String[] {"Is it better to buy or sell gold now?", "Is it better to sell gold now?"});

    private static final List<String[]> MUST_HIT = List.of(
            new String[] {"How do I reset my password?", "How can I reset my password?"},
            new String[] {"What is the capital of France?", "What's the capital of France?"},
            new String[] {"How do I learn Python quickly?", "What is the fastest way to learn Python?"});

    @Test
    void pairsThatDifferInACriticalToken_neverHit_evenWhenLenient() {
        PairJudge judge = MiniLmSemanticCacheProvider.judge(MiniLmEmbedder.shared(), HitDecision.shipped(), Strictness.LENIENT);
        List<String> hits = new ArrayList<>();
        for (String[] pair : MUST_MISS) {
            for (int order = 0; order < 2; order++) {
                PairJudgement j = judge.judge(pair[order], pair[1 - order]);
                if (j.hit()) {
                    hits.add(pair[order] + " -> " + pair[1 - order] + " (cosine " + j.similarity() + ", score " + j.score() + ")");
                }
            }
        }
        assertThat(hits).as("false hits").isEmpty();
    }

    @Test
    void plainParaphrases_stillHitAtBalanced() {
        PairJudge judge = MiniLmSemanticCacheProvider.judge(MiniLmEmbedder.shared(), HitDecision.shipped(), Strictness.BALANCED);
        for (String[] pair : MUST_HIT) {
            PairJudgement j = judge.judge(pair[0], pair[1]);
            assertThat(j.hit()).as(pair[0] + " -> " + pair[1] + ": " + j).isTrue();
            assertThat(j.veto()).isEmpty();
        }
    }
}
