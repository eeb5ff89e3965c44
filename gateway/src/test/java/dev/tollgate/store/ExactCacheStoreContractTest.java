package dev.tollgate.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.store.memory.CaffeineExactCacheStore;
import dev.tollgate.store.redis.RedisCounterStore;
import dev.tollgate.store.redis.RedisExactCacheStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The {@link ExactCacheStore} contract over every implementation: in this process (Caffeine) and Redis (the
 * real server, a fresh key prefix per test). There is no SQLite exact store: the embedded cache lives in memory.
 * Expiry is on the store's clock, which the test moves by hand.
 */
class ExactCacheStoreContractTest {

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

    enum Impl {
        CAFFEINE {
            @Override
            ExactCacheStore open(Clock clock, OpenedResources after) {
                return after.add(new CaffeineExactCacheStore(1 << 24, clock));
            }
        },
        REDIS {
            @Override
            ExactCacheStore open(Clock clock, OpenedResources after) {
                String prefix = TestRedis.prefix("cache");
                after.add(TestRedis.deleteAll(prefix));
                return after.add(new RedisExactCacheStore(new RedisCounterStore.Settings(TestRedis.URL, null, prefix, Duration.ofSeconds(5)), clock));
            }
        };

        abstract ExactCacheStore open(Clock clock, OpenedResources after);
    }

    @RegisterExtension
    final OpenedResources after = new OpenedResources();

    private final HeldClock clock = new HeldClock();

    private static ExactCacheStore.Key key(String org, String digest) {
        return new ExactCacheStore.Key(org, digest);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void anEntry_livesForItsOwnTtl_onTheStoresClock(Impl impl) {
        ExactCacheStore store = impl.open(clock, after);
        store.put(key("acme", "short"), "m", bytes("one"), Duration.ofSeconds(10));
        store.put(key("acme", "long"), "m", bytes("two"), Duration.ofSeconds(60));

        clock.millis.addAndGet(9_999);
        assertThat(store.get(key("acme", "short"))).get().isEqualTo(bytes("one"));
        clock.millis.addAndGet(1);
        assertThat(store.get(key("acme", "short"))).isEmpty();
        assertThat(store.get(key("acme", "long"))).get().isEqualTo(bytes("two"));
        clock.millis.addAndGet(50_000);
        assertThat(store.get(key("acme", "long"))).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void entries_areIsolatedPerOrg_copied_andReplacedByALaterPut(Impl impl) {
        ExactCacheStore store = impl.open(clock, after);
        byte[] value = {1, 2, 3};
        store.put(key("acme", "d"), "m", value, Duration.ofMinutes(1));
        value[0] = 9;

        assertThat(store.get(key("globex", "d"))).isEmpty();
        // An org whose name looks like another's key must not reach it.
        assertThat(store.get(key("acme:d", "d"))).isEmpty();
        byte[] read = store.get(key("acme", "d")).orElseThrow();
        assertThat(read).containsExactly(1, 2, 3);
        read[1] = 9;
        assertThat(store.get(key("acme", "d")).orElseThrow()).containsExactly(1, 2, 3);

        store.put(key("acme", "d"), "m", new byte[] {7}, Duration.ofMinutes(1));
        assertThat(store.get(key("acme", "d")).orElseThrow()).containsExactly(7);
        store.put(key("acme", "empty"), "m", new byte[0], Duration.ofMinutes(1));
        assertThat(store.get(key("acme", "empty")).orElseThrow()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void invalidate_removesOneOrgsEntries_orOnlyThoseOfOneModel_andKeepsLaterPuts(Impl impl) {
        ExactCacheStore store = impl.open(clock, after);
        store.put(key("acme", "a"), "gpt-4o-mini", new byte[] {1}, Duration.ofMinutes(1));
        store.put(key("acme", "b"), "gpt-4o", new byte[] {1}, Duration.ofMinutes(1));
        store.put(key("acme", "c"), "gpt-4o", new byte[] {1}, Duration.ofMinutes(1));
        store.put(key("globex", "a"), "gpt-4o", new byte[] {1}, Duration.ofMinutes(1));

        assertThat(store.invalidate("acme", Optional.of("gpt-4o"))).isEqualTo(2);
        assertThat(store.get(key("acme", "a"))).isPresent();
        assertThat(store.get(key("acme", "b"))).isEmpty();
        assertThat(store.get(key("globex", "a"))).isPresent();
        assertThat(store.invalidate("acme", Optional.empty())).isEqualTo(1);
        assertThat(store.get(key("acme", "a"))).isEmpty();
        assertThat(store.get(key("globex", "a"))).isPresent();
        assertThat(store.invalidate("acme", Optional.empty())).isZero();

        store.put(key("acme", "b"), "gpt-4o", new byte[] {2}, Duration.ofMinutes(1));
        assertThat(store.get(key("acme", "b")).orElseThrow()).containsExactly(2);
        assertThat(store.stats().entries()).isEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void concurrentPuts_areEachReadBack_andCounted(Impl impl) throws Exception {
        ExactCacheStore one = impl.open(clock, after);
        List<Future<?>> puts = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
            for (int i = 0; i < 200; i++) {
                int n = i;
                puts.add(pool.submit(() -> one.put(key("acme", "k" + n), "m", bytes("v" + n), Duration.ofMinutes(1))));
            }
            for (Future<?> f : puts) {
                f.get();
            }
        }
        for (int i = 0; i < 200; i++) {
            assertThat(one.get(key("acme", "k" + i))).get().isEqualTo(bytes("v" + i));
        }
        assertThat(one.stats().entries()).isEqualTo(200);
    }
}
