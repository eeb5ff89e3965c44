package dev.tollgate.policy.cache;

import dev.tollgate.model.ChatRequest;
import dev.tollgate.policy.cache.semantic.SemanticCacheProvider;
import dev.tollgate.policy.cache.semantic.SemanticIndex;
import dev.tollgate.policy.cache.semantic.SemanticIndexOptions;
import dev.tollgate.policy.cache.semantic.SemanticMatch;
import dev.tollgate.policy.cache.semantic.SemanticNamespace;
import dev.tollgate.policy.cache.semantic.Strictness;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The semantic tier over the semantic module's SPI, when the module is on the class path and the tier is enabled
 * for some org. One index per strictness in use, opened on a background thread at start (that is when the embedding
 * model loads); until then, and if opening fails, the tier answers nothing and the call goes on as a miss.
 *
 * <p>Lookups run on the request's thread (an embedding, a few milliseconds). Puts embed too, so they go to one
 * background thread through a bounded queue: a put that finds the queue full is dropped (counted), never waited
 * for. An entry past its time to live (kept in its payload: the index has no expiry) is removed when a lookup finds
 * it, and the lookup misses.
 */
final class SemanticTier implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SemanticTier.class);
    static final int QUEUE = 1_024;

    /** Where the tier stands, for {@code GET /governance/cache} and the start-up line. */
    enum State { UNAVAILABLE, DISABLED, LOADING, READY, FAILED }

    /** A stored answer the decision accepted, with the similarity for {@code x-tollgate-cache-similarity}. */
    record Hit(StoredAnswer answer, double similarity) {
    }

    private final Map<Strictness, SemanticIndex> indexes = new EnumMap<>(Strictness.class);
    private final Clock clock;
    private final ThreadPoolExecutor puts;
    private final AtomicLong dropped = new AtomicLong();
    private final String description;
    private volatile State state;

    SemanticTier(Optional<SemanticCacheProvider> provider, Set<Strictness> used, int maxEntries, Clock clock) {
        this.clock = clock;
        this.description = provider.map(SemanticCacheProvider::description).orElse("");
        this.puts = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE),
                Thread.ofPlatform().name("tollgate-semantic-put").daemon(true).factory(), (task, pool) -> dropped.incrementAndGet());
        puts.allowCoreThreadTimeOut(true);
        if (provider.isEmpty()) {
            state = State.UNAVAILABLE;
        } else if (used.isEmpty()) {
            state = State.DISABLED;
        } else {
            state = State.LOADING;
            Thread.ofPlatform().name("tollgate-semantic-open").daemon(true).start(() -> open(provider.get(), used, maxEntries));
        }
    }

    private void open(SemanticCacheProvider provider, Set<Strictness> used, int maxEntries) {
        long start = System.nanoTime();
        try {
            Map<Strictness, SemanticIndex> opened = new EnumMap<>(Strictness.class);
            for (Strictness s : used) {
                opened.put(s, provider.open(new SemanticIndexOptions(maxEntries, s)));
            }
            synchronized (indexes) {
                indexes.putAll(opened);
            }
            state = State.READY;
            LOG.info("semantic cache tier ready in {} ms ({})", (System.nanoTime() - start) / 1_000_000, description);
        } catch (RuntimeException | LinkageError e) {
            state = State.FAILED;
            LOG.error("semantic cache tier could not open its index; it answers nothing until restart", e);
        }
    }

    State state() {
        return state;
    }

    String description() {
        return description;
    }

    /** The best stored answer for the conversation, if the decision accepts one and it has not expired. */
    Optional<Hit> lookup(SemanticNamespace namespace, ChatRequest request, Strictness strictness) {
        SemanticIndex index = index(strictness);
        if (index == null) {
            return Optional.empty();
        }
        Optional<SemanticMatch> match = index.lookup(namespace, request);
        if (match.isEmpty()) {
            return Optional.empty();
        }
        StoredAnswer answer;
        try {
            answer = StoredAnswer.decode(match.get().payload());
        } catch (IllegalArgumentException e) {
            LOG.warn("a semantic cache entry did not decode ({}); removed", e.getMessage());
            index.remove(match.get().entryId());
            return Optional.empty();
        }
        if (answer.expired(clock.millis())) {
            index.remove(match.get().entryId());
            return Optional.empty();
        }
        return Optional.of(new Hit(answer, match.get().similarity()));
    }

    /** Stores the answer in the background; dropped when the queue is full or the tier is not ready. */
    void put(SemanticNamespace namespace, ChatRequest request, Strictness strictness, byte[] payload) {
        SemanticIndex index = index(strictness);
        if (index == null) {
            return;
        }
        puts.execute(() -> {
            try {
                index.put(namespace, request, payload);
            } catch (RuntimeException e) {
                LOG.warn("a semantic cache put failed: {}", e.toString());
            }
        });
    }

    /** Waits until every put queued before this call is in the index (tests, and before invalidating). */
    void drain() {
        try {
            puts.submit(() -> { }).get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException
                 | java.util.concurrent.RejectedExecutionException e) {
            LOG.debug("semantic puts not drained: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    long invalidate(String org, Optional<String> model) {
        drain();
        long removed = 0;
        synchronized (indexes) {
            for (SemanticIndex index : indexes.values()) {
                removed += index.invalidate(org, model);
            }
        }
        return removed;
    }

    /** Entries, bytes and the bound, summed over the indexes; puts dropped since start. */
    record Stats(long entries, long bytes, long maxEntries, long droppedPuts) {
    }

    Stats stats() {
        long entries = 0;
        long bytes = 0;
        long max = 0;
        synchronized (indexes) {
            for (SemanticIndex index : indexes.values()) {
                var s = index.stats();
                entries += s.entries();
                bytes += s.bytes();
                max += s.maxEntries();
            }
        }
        return new Stats(entries, bytes, max, dropped.get());
    }

    private SemanticIndex index(Strictness strictness) {
        if (state != State.READY) {
            return null;
        }
        synchronized (indexes) {
            return indexes.get(strictness);
        }
    }

    @Override
    public void close() {
        puts.shutdownNow();
        synchronized (indexes) {
            indexes.values().forEach(SemanticIndex::close);
            indexes.clear();
        }
    }
}
