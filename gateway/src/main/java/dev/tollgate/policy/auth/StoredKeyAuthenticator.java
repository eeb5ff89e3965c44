package dev.tollgate.policy.auth;

import dev.tollgate.model.ApiKey;
import dev.tollgate.model.Principal;
import dev.tollgate.store.KeyStore;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Authenticates keys issued by {@link KeyIssuer}: looks the presented secret's SHA-256 up in the store
 * (cached for {@link #CACHE_TTL}, so revocation on another instance takes effect within it; on this one
 * at once), compares the digests in constant time, and refuses revoked and expired keys. When a key was
 * last used is written back at most once a minute per key.
 */
public final class StoredKeyAuthenticator implements Authenticator {

    static final Duration CACHE_TTL = Duration.ofSeconds(5);
    private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);

    private record Cached(ApiKey key, long loadedNanos) {
    }

    private final KeyStore store;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private final Map<String, Instant> touched = new ConcurrentHashMap<>();

    public StoredKeyAuthenticator(KeyStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @Override
    public Optional<Principal> authenticate(Optional<String> presentedKey) {
        if (presentedKey.isEmpty() || !presentedKey.get().startsWith(KeyIssuer.PREFIX)) {
            return Optional.empty();
        }
        byte[] digest = KeyIssuer.sha256(presentedKey.get());
        String cacheKey = HexFormat.of().formatHex(digest);
        Cached cached = cache.get(cacheKey);
        if (cached == null || System.nanoTime() - cached.loadedNanos() > CACHE_TTL.toNanos()) {
            Optional<ApiKey> loaded = store.keyByHash(digest);
            if (loaded.isEmpty()) {
                cache.remove(cacheKey);
                return Optional.empty();
            }
            cached = new Cached(loaded.get(), System.nanoTime());
            cache.put(cacheKey, cached);
        }
        ApiKey key = cached.key();
        Instant now = clock.instant();
        if (!MessageDigest.isEqual(key.hash(), digest) || !key.usableAt(now)) {
            return Optional.empty();
        }
        touch(key.id(), now);
        return Optional.of(key.principal());
    }

    /** Forgets cached keys so a revocation on this instance takes effect at once. */
    public void invalidate() {
        cache.clear();
    }

    private void touch(String id, Instant now) {
        Instant last = touched.get(id);
        if (last == null || last.plus(TOUCH_EVERY).isBefore(now)) {
            touched.put(id, now);
            Thread.ofVirtual().name("tollgate-key-touch").start(() -> store.touch(id, now));
        }
    }
}
