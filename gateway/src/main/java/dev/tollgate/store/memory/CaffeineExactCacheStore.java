package dev.tollgate.store.memory;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.tollgate.store.ExactCacheStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * The exact cache in this process: a Caffeine cache bounded by bytes (each entry weighs its key and value plus
 * a fixed overhead), every entry expiring after its own time to live, read on the gateway's clock through a
 * {@link Ticker} (so a test's fake clock moves expiry). Past the bound Caffeine evicts by its W-TinyLFU policy,
 * which keeps frequently hit entries over ones seen once. Maintenance runs on the calling thread: no pool.
 */
public final class CaffeineExactCacheStore implements ExactCacheStore {

    /** What an entry costs beyond its bytes: the map node, the key's strings, the record. */
    static final int ENTRY_OVERHEAD = 160;

    private record Stored(byte[] value, String model, Duration ttl) {
    }

    private final Cache<Key, Stored> cache;
    private final long maxBytes;

    public CaffeineExactCacheStore(long maxBytes, Clock clock) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("max_bytes: " + maxBytes + " (expected: >= 1)");
        }
        this.maxBytes = maxBytes;
        Ticker ticker = () -> clock.millis() * 1_000_000L;
        this.cache = Caffeine.newBuilder()
                .ticker(ticker)
                .executor(Runnable::run)
                .maximumWeight(maxBytes)
                .weigher((Key k, Stored v) -> weight(k, v))
                .expireAfter(Expiry.<Key, Stored>writing((k, v) -> v.ttl()))
                .build();
    }

    static int weight(Key k, Stored v) {
        long w = ENTRY_OVERHEAD + 2L * (k.org().length() + k.digest().length() + v.model().length()) + v.value().length;
        return (int) Math.min(Integer.MAX_VALUE, w);
    }

    @Override
    public Optional<byte[]> get(Key key) {
        Stored stored = cache.getIfPresent(key);
        return stored == null ? Optional.empty() : Optional.of(stored.value().clone());
    }

    @Override
    public void put(Key key, String model, byte[] value, Duration ttl) {
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl: " + ttl + " (expected: > 0)");
        }
        cache.put(key, new Stored(value.clone(), model, ttl));
    }

    @Override
    public long invalidate(String org, Optional<String> model) {
        long[] removed = {0};
        cache.asMap().entrySet().removeIf(e -> {
            boolean match = e.getKey().org().equals(org) && model.map(m -> m.equals(e.getValue().model())).orElse(true);
            if (match) {
                removed[0]++;
            }
            return match;
        });
        return removed[0];
    }

    @Override
    public Stats stats() {
        cache.cleanUp();
        long bytes = cache.policy().eviction().map(e -> e.weightedSize().orElse(0L)).orElse(0L);
        return new Stats(cache.estimatedSize(), bytes, maxBytes);
    }
}
