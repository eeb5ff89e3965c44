package dev.tollgate.bench;

import dev.tollgate.policy.cache.semantic.SemanticCacheProvider;
import dev.tollgate.policy.cache.semantic.SemanticIndex;
import dev.tollgate.policy.cache.semantic.SemanticIndexOptions;
import dev.tollgate.policy.cache.semantic.SemanticNamespace;
import dev.tollgate.policy.cache.semantic.SemanticText;
import dev.tollgate.policy.cache.semantic.Strictness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Semantic-cache lookup latency, embedding included, and memory per entry, at growing index sizes.
 *
 * <p>For each size the index is filled (from {@code threads} threads) with distinct generated prompts, each with a
 * 1 KiB payload (a typical short answer), all in one namespace (the worst case for the HNSW search: no partition
 * makes it smaller). Then {@code lookups} lookups run one at a time: half are light rewordings of stored prompts
 * (which should hit), half unseen prompts (which should miss). Latency is wall time per lookup, embedding and
 * decision included; the same queries in an empty namespace show what the embedding costs alone. Memory is the heap after a full GC, before and after filling, divided by the entries, and the
 * index's own estimate.
 *
 * <p>Usage: {@code SemanticCacheBench [sizes=1000,10000,100000] [lookups=2000] [threads=2]}
 */
public final class SemanticCacheBench {

    private static final String[] SUBJECTS = {"Python", "a sourdough starter", "my bike chain", "a tomato plant", "my credit score",
        "a React app", "an SQL index", "a cover letter", "my sleep schedule", "a marathon plan", "a kitchen knife", "my laptop battery",
        "a job interview", "a PostgreSQL replica", "a small garden", "a Docker image", "my resume", "a winter jacket", "an electric car",
        "a birthday party", "a home network", "my monthly budget", "a Kubernetes cluster", "a guitar solo", "a research paper"};
    private static final String[] ASKS = {"How do I improve", "What is the best way to maintain", "How can I fix", "Explain how to set up",
        "What are common mistakes with", "How do I choose", "Give me tips for", "How long does it take to learn about",
        "What should I know before buying", "How do I troubleshoot"};
    private static final String[] FOR = {"as a beginner", "on a tight budget", "in under a week", "for a small team", "without any tools",
        "in a cold climate", "for a school project", "before next month", "with little time", "at home", "for my parents", "at work",
        "in a rented flat", "for the first time", "after an injury", "for a startup", "while travelling", "on weekends", "with kids",
        "for a wedding"};

    private SemanticCacheBench() {
    }

    public static void main(String[] args) throws Exception {
        int[] sizes = Arrays.stream((args.length > 0 ? args[0] : "1000,10000,100000").split(",")).mapToInt(Integer::parseInt).toArray();
        int lookups = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        SemanticCacheProvider provider = SemanticCacheProvider.load().orElseThrow(() -> new IllegalStateException("no semantic module"));
        System.out.println("semantic cache bench: " + provider.description());
        System.out.printf("cpus %d, max heap %d MiB%n", Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
        for (int size : sizes) {
            run(provider, size, lookups, threads);
        }
    }

    static void run(SemanticCacheProvider provider, int size, int lookups, int threads) throws InterruptedException {
        SemanticNamespace ns = new SemanticNamespace("bench", "gpt-4o-mini", "");
        byte[] payload = new byte[1024];
        long heapBefore = heapAfterGc();
        try (SemanticIndex index = provider.open(new SemanticIndexOptions(size, Strictness.BALANCED))) {
            long fillStart = System.nanoTime();
            AtomicInteger next = new AtomicInteger();
            List<Thread> fillers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                fillers.add(Thread.ofPlatform().start(() -> {
                    for (int i = next.getAndIncrement(); i < size; i = next.getAndIncrement()) {
                        index.put(ns, SemanticText.of(prompt(i)), payload);
                    }
                }));
            }
            for (Thread f : fillers) {
                f.join();
            }
            double fillSeconds = (System.nanoTime() - fillStart) / 1e9;
            long heapAfter = heapAfterGc();
            Random random = new Random(size);
            long[] nanos = new long[lookups];
            int hits = 0;
            for (int k = 0; k < lookups; k++) {
                String query = k % 2 == 0 ? reworded(random.nextInt(size)) : prompt(size + random.nextInt(1_000_000));
                long start = System.nanoTime();
                boolean hit = index.lookup(ns, SemanticText.of(query)).isPresent();
                nanos[k] = System.nanoTime() - start;
                hits += hit ? 1 : 0;
            }
            // The same queries in a namespace with no entries: what the embedding and the bookkeeping cost alone.
            SemanticNamespace empty = new SemanticNamespace("bench", "no-such-model", "");
            long[] alone = new long[lookups];
            for (int k = 0; k < lookups; k++) {
                String query = k % 2 == 0 ? reworded(random.nextInt(size)) : prompt(size + random.nextInt(1_000_000));
                long start = System.nanoTime();
                index.lookup(empty, SemanticText.of(query));
                alone[k] = System.nanoTime() - start;
            }
            Arrays.sort(nanos);
            Arrays.sort(alone);
            System.out.printf(Locale.ROOT,
                    "entries %,7d: filled in %.1f s (%.0f puts/s); lookup p50 %.2f ms, p99 %.2f ms, max %.2f ms over %,d lookups (%d hits); "
                            + "embedding alone p50 %.2f ms, p99 %.2f ms; heap %.0f bytes/entry (GC-measured), %.0f bytes/entry (index estimate); "
                            + "RSS %d MiB%n",
                    index.stats().entries(), fillSeconds, size / fillSeconds, nanos[lookups / 2] / 1e6, nanos[(int) (lookups * 0.99)] / 1e6,
                    nanos[lookups - 1] / 1e6, lookups, hits, alone[lookups / 2] / 1e6, alone[(int) (lookups * 0.99)] / 1e6,
                    (heapAfter - heapBefore) / (double) size, index.stats().bytes() / (double) index.stats().entries(), rssMiB());
        }
    }

    /** Distinct prompts: 25 subjects x 10 asks x 20 purposes x a number for the rest. */
    static String prompt(int i) {
        String base = ASKS[i % ASKS.length] + " " + SUBJECTS[(i / ASKS.length) % SUBJECTS.length] + " " + FOR[(i / 250) % FOR.length];
        int round = i / 5000;
        return round == 0 ? base + "?" : base + " (case " + round + ")?";
    }

    /** A stored prompt said a little differently: a stop word dropped and a casual opening. */
    static String reworded(int i) {
        return "Quick question: " + prompt(i).replace(" a ", " ").replace("How do I", "How can I");
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    private static long rssMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (java.io.IOException e) {
            return -1;
        }
        return -1;
    }

}
