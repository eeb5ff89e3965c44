package dev.tollgate.store.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.store.ExactCacheStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The in-process exact store: per-entry expiry on the gateway's clock, the byte bound, invalidation per org and model. */
class CaffeineExactCacheStoreTest {

    /** A clock the test moves by hand. */
    static final class HeldClock extends Clock {
        final AtomicLong millis = new AtomicLong(Instant.parse("2026-03-10T00:00:00Z").toEpochMilli());

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }
    }

    private final HeldClock clock = new HeldClock();

    private static ExactCacheStore.Key key(String org, String digest) {
        return new ExactCacheStore.Key(org, digest);
    }

    @Test
    void anEntry_livesForItsOwnTtl_onTheGatewaysClock() {
        CaffeineExactCacheStore store = new CaffeineExactCacheStore(1 << 20, clock);
        store.put(key("acme", "short"), "m", new byte[] {1}, Duration.ofSeconds(10));
        store.put(key("acme", "long"), "m", new byte[] {2}, Duration.ofSeconds(60));

        clock.millis.addAndGet(9_999);
        assertThat(store.get(key("acme", "short"))).isPresent();
        clock.millis.addAndGet(1);
        assertThat(store.get(key("acme", "short"))).isEmpty();
        assertThat(store.get(key("acme", "long"))).get().isEqualTo(new byte[] {2});
        clock.millis.addAndGet(50_000);
        assertThat(store.get(key("acme", "long"))).isEmpty();
    }

    @Test
    void entries_areIsolatedPerOrg_andCopied() {
        CaffeineExactCacheStore store = new CaffeineExactCacheStore(1 << 20, clock);
        byte[] value = {1, 2, 3};
        store.put(key("acme", "d"), "m", value, Duration.ofMinutes(1));
        value[0] = 9;

        assertThat(store.get(key("globex", "d"))).isEmpty();
        byte[] read = store.get(key("acme", "d")).orElseThrow();
        assertThat(read).containsExactly(1, 2, 3);
        read[1] = 9;
        assertThat(store.get(key("acme", "d")).orElseThrow()).containsExactly(1, 2, 3);
    }

    @Test
    void theByteBound_holds_evictingOthers() {
        long bound = 64 * 1024;
        CaffeineExactCacheStore store = new CaffeineExactCacheStore(bound, clock);
        for (int i = 0; i < 200; i++) {
            store.put(key("acme", "d" + i), "m", new byte[4_000], Duration.ofMinutes(1));
        }
        ExactCacheStore.Stats stats = store.stats();
        assertThat(stats.bytes()).isLessThanOrEqualTo(bound);
        assertThat(stats.entries()).isBetween(1L, bound / 4_000);
        assertThat(stats.maxBytes()).isEqualTo(bound);
    }

    @Test
    void invalidate_removesOneOrgsEntries_orOnlyThoseOfOneModel() {
        CaffeineExactCacheStore store = new CaffeineExactCacheStore(1 << 20, clock);
        store.put(key("acme", "a"), "gpt-4o-mini", new byte[] {1}, Duration.ofMinutes(1));
        store.put(key("acme", "b"), "gpt-4o", new byte[] {1}, Duration.ofMinutes(1));
        store.put(key("acme", "c"), "gpt-4o", new byte[] {1}, Duration.ofMinutes(1));
        store.put(key("globex", "a"), "gpt-4o", new byte[] {1}, Duration.ofMinutes(1));

        assertThat(store.invalidate("acme", Optional.of("gpt-4o"))).isEqualTo(2);
        assertThat(store.get(key("acme", "a"))).isPresent();
        assertThat(store.get(key("globex", "a"))).isPresent();
        assertThat(store.invalidate("acme", Optional.empty())).isEqualTo(1);
        assertThat(store.get(key("acme", "a"))).isEmpty();
        assertThat(store.get(key("globex", "a"))).isPresent();
    }
}
