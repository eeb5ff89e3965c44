package dev.tollgate.store;

import java.time.Duration;
import java.util.Optional;

/**
 * Where the exact and workflow cache tiers keep their answers: opaque bytes under an org and a digest, each with
 * its own time to live. The embedded implementation lives in this process (Caffeine, bounded in bytes); a shared
 * one (Redis) lets several instances answer from one cache. Thread-safe.
 *
 * <p>Contract, for every implementation:
 * <ul>
 *   <li>{@link #get} returns the bytes of the latest {@link #put} under an equal {@link Key} whose time to live
 *   has not run out on the store's clock, or empty; never an entry of another org.</li>
 *   <li>A put replaces what the key held; the bytes are copied, so neither side's later changes reach the other.</li>
 *   <li>{@link #invalidate} removes every entry of the org (or only those whose {@code model} is the one named),
 *   and returns how many; an entry put after it returns is kept.</li>
 *   <li>The store may drop entries before their time (a bound on its size); a get then misses, it never fails
 *   the call. A store that cannot be reached answers misses and drops puts (and says so in its log).</li>
 * </ul>
 */
public interface ExactCacheStore extends AutoCloseable {

    /**
     * Where an entry lives.
     *
     * @param org    the org that owns the entry; no lookup of another org ever sees it
     * @param digest the SHA-256 (hex) of everything else that selects the answer: the tier, the resolved model,
     *               the request's fields that change the answer (see {@code docs/cache.md})
     */
    record Key(String org, String digest) {

        public Key {
            if (org == null || org.isEmpty() || digest == null || digest.isEmpty()) {
                throw new IllegalArgumentException("cache key: org and digest must be non-empty");
            }
        }
    }

    /**
     * @param entries  entries held now
     * @param bytes    their weight (keys and values)
     * @param maxBytes the bound; the least recently used entries go first past it (0 when the store sets none)
     */
    record Stats(long entries, long bytes, long maxBytes) {
    }

    /** The entry's bytes, unless it is absent or expired. */
    Optional<byte[]> get(Key key);

    /**
     * Stores {@code value} under {@code key} for {@code ttl}. {@code model} is the resolved model that produced the
     * answer: {@link #invalidate} by model matches it.
     */
    void put(Key key, String model, byte[] value, Duration ttl);

    /** Removes the org's entries, or only those of {@code model}; returns how many were removed. */
    long invalidate(String org, Optional<String> model);

    Stats stats();

    @Override
    default void close() {
    }
}
