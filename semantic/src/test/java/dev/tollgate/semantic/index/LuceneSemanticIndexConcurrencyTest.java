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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Many threads putting and looking up at once, each in its own org: every entry stays whole and in its namespace,
 * and the counts come out exact.
 */
class LuceneSemanticIndexConcurrencyTest {

    private static final int THREADS = 8;
    private static final int PER_THREAD = 25;
    private static final String[] TOPICS = {"bake sourdough bread", "change a flat tyre", "learn to juggle", "tie a bow tie",
        "grow tomatoes on a balcony", "train a puppy to sit", "brew cold coffee", "fold a paper crane", "fix a leaking tap",
        "start running in winter", "clean a cast iron pan", "write a cover letter", "plant a lemon tree",
        "sharpen a kitchen knife", "remove a red wine stain", "build a bird house", "learn the ukulele",
        "knit a wool scarf", "paint a bedroom wall", "make fresh pasta", "set up a fish tank", "patch a bike tube",
        "prune a rose bush", "polish leather boots", "replace a light switch"};

    @Test
    void concurrentPutsAndLookups_keepEveryEntryWholeAndCountsExact() throws Exception {
        int bound = THREADS * PER_THREAD - 40;
        try (SemanticIndex index = new LuceneSemanticIndex(MiniLmEmbedder.shared(), HitDecision.shipped(),
                new SemanticIndexOptions(bound, Strictness.BALANCED))) {
            CountDownLatch start = new CountDownLatch(1);
            AtomicInteger puts = new AtomicInteger();
            ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    start.await();
                    SemanticNamespace ns = new SemanticNamespace("org-" + thread, "m", "");
                    for (int i = 0; i < PER_THREAD; i++) {
                        String payload = "org-" + thread + "/" + i;
                        index.put(ns, SemanticText.of("How do I " + TOPICS[i] + "?"), payload.getBytes(StandardCharsets.UTF_8));
                        puts.incrementAndGet();
                        Optional<SemanticMatch> match = index.lookup(ns, SemanticText.of("How do I " + TOPICS[i] + "?"));
                        String got = match.map(m -> new String(m.payload(), StandardCharsets.UTF_8)).orElse("(miss)");
                        // another thread's put may evict it before this lookup, but never answer for another org or topic
                        if (match.isPresent() && !got.equals(payload)) {
                            problems.add(payload + " answered with " + got);
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(5, TimeUnit.MINUTES);
            }
            pool.shutdown();

            assertThat(problems).isEmpty();
            assertThat(puts.get()).isEqualTo(THREADS * PER_THREAD);
            assertThat(index.stats().entries()).isEqualTo(bound);
            int found = 0;
            for (int t = 0; t < THREADS; t++) {
                SemanticNamespace ns = new SemanticNamespace("org-" + t, "m", "");
                for (int i = 0; i < PER_THREAD; i++) {
                    Optional<SemanticMatch> m = index.lookup(ns, SemanticText.of("How do I " + TOPICS[i] + "?"));
                    if (m.isPresent()) {
                        assertThat(new String(m.get().payload(), StandardCharsets.UTF_8)).isEqualTo("org-" + t + "/" + i);
                        found++;
                    }
                }
            }
            assertThat(found).isEqualTo(bound);
        }
    }
}
