package dev.tollgate.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.store.Claim;
import dev.tollgate.store.CounterStore;
import dev.tollgate.store.OpenedResources;
import dev.tollgate.store.StoreUnavailableException;
import dev.tollgate.store.TestRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What the Redis counter store adds to the contract: real expiry in Redis, many instances, restarts, outages. */
class RedisCounterStoreTest {

    @RegisterExtension
    final OpenedResources after = new OpenedResources();
    private String prefix;

    @BeforeEach
    void prefix() {
        prefix = TestRedis.prefix("redis-store");
        after.add(TestRedis.deleteAll(prefix));
    }


    private RedisCounterStore store() {
        RedisCounterStore store = new RedisCounterStore(new RedisCounterStore.Settings(TestRedis.URL, null, prefix, Duration.ofSeconds(5)),
                Clock.systemUTC());
        after.add(store);
        return store;
    }

    /** Runs a command on a connection of its own, behind the store's back. */
    private static Object raw(java.util.function.Function<io.lettuce.core.api.sync.RedisCommands<String, String>, Object> command) {
        RedisClient client = RedisClient.create(TestRedis.URL);
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            return command.apply(c.sync());
        } finally {
            client.shutdown();
        }
    }

    private long expiryOf(String key) {
        return (Long) raw(r -> r.pexpiretime(prefix + key));
    }

    @Test
    void everyCounter_isAKeyUnderThePrefix_thatRedisExpiresAtTheEndOfItsWindow() {
        RedisCounterStore store = store();
        Instant minuteEnd = Instant.now().truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
        Instant monthEnd = Instant.parse("2099-12-01T00:00:00Z");

        store.reserve(List.of(new Claim("rl:key:k1:rpm:1", 1, 60, minuteEnd), new Claim("budget|b1|2099-11", 500, 10_000, monthEnd)));
        store.adjust(List.of(new Claim("budget|b1|2099-11", -200, Claim.NO_LIMIT, monthEnd)));
        store.set("budget|b2|total", 7, Instant.MAX);

        assertThat(TestRedis.keys(prefix, false)).containsExactlyInAnyOrder(prefix + "rl:key:k1:rpm:1", prefix + "budget|b1|2099-11",
                prefix + "budget|b2|total");
        assertThat((String) raw(r -> r.get(prefix + "budget|b1|2099-11"))).isEqualTo("300");
        assertThat(expiryOf("rl:key:k1:rpm:1")).isEqualTo(minuteEnd.toEpochMilli());
        assertThat(expiryOf("budget|b1|2099-11")).isEqualTo(monthEnd.toEpochMilli());
        // A window that never ends still gets an expiry, at the latest Redis takes.
        assertThat(expiryOf("budget|b2|total")).isEqualTo(Instant.parse("9999-12-31T00:00:00Z").toEpochMilli());
    }

    @Test
    void aWindowAlreadyOverInRealTime_isGoneFromRedis_andReadsZero() {
        RedisCounterStore store = store();
        Instant past = Instant.now().minusSeconds(5);

        CounterStore.Reservation r = store.reserve(List.of(new Claim("old-window", 3, 10, past)));

        assertThat(r.values()).containsExactly(3L);
        assertThat(store.values(List.of("old-window"))).containsExactly(0L);
        assertThat(TestRedis.keys(prefix, false)).isEmpty();
    }

    /**
     * Three stores (three gateway instances) on one Redis, 240 callers at once, one budget of 50: exactly 50
     * reservations pass. Then the granted callers settle at once, a third of them having used nothing: the
     * counter ends at exactly what the others kept.
     */
    @Test
    void threeInstances_240Callers_oneSmallBudget_exactlyTheLimitPasses_andSettlesExactly() throws Exception {
        List<RedisCounterStore> instances = List.of(store(), store(), store());
        Instant end = Instant.now().plus(Duration.ofHours(1));
        Claim one = new Claim("budget|small", 1, 50, end);
        List<Integer> granted = concurrently(240, t -> instances.get(t % 3).reserve(List.of(one,
                new Claim("requests", 1, Claim.NO_LIMIT, end))).granted());

        assertThat(granted).hasSize(50);
        assertThat(instances.getFirst().values(List.of("budget|small", "requests"))).containsExactly(50L, 50L);

        List<Integer> released = concurrently(granted.size(), i -> {
            int caller = granted.get(i);
            if (caller % 3 != 0) {
                return false;
            }
            instances.get(i % 3).adjust(List.of(new Claim("budget|small", -1, Claim.NO_LIMIT, end)));
            return true;
        });
        assertThat(instances.get(1).values(List.of("budget|small"))).containsExactly(50L - released.size());
        assertThat(released).isNotEmpty();
    }

    /** Runs {@code task(0..n-1)} on {@code n} threads released together; returns the indexes for which it returned true. */
    private static List<Integer> concurrently(int n, java.util.function.IntPredicate task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < n; t++) {
                int index = t;
                results.add(pool.submit(() -> {
                    go.await();
                    return task.test(index);
                }));
            }
            go.countDown();
            List<Integer> out = new ArrayList<>();
            for (int t = 0; t < n; t++) {
                if (results.get(t).get()) {
                    out.add(t);
                }
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void afterRedisForgetsItsScripts_theNextCallLoadsTheScriptAgain() {
        RedisCounterStore store = store();
        Instant end = Instant.now().plus(Duration.ofHours(1));
        store.reserve(List.of(new Claim("a", 4, 10, end)));

        raw(r -> r.scriptFlush());

        assertThat(store.reserve(List.of(new Claim("a", 4, 10, end))).values()).containsExactly(8L);
        assertThat(store.reserve(List.of(new Claim("a", 4, 10, end))).granted()).isFalse();
    }

    @Test
    void aRedisThatIsNotThere_isAClearOutage_thatNamesTheAddressButNeverThePassword() {
        RedisCounterStore.Settings nowhere = new RedisCounterStore.Settings("redis://:s3cret-pw@127.0.0.1:1", null, prefix, Duration.ofMillis(500));

        assertThatThrownBy(() -> new RedisCounterStore(nowhere, Clock.systemUTC()))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("Redis at 127.0.0.1:1")
                .hasMessageContaining("cannot connect")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cret-pw"));
        assertThat(nowhere.toString()).doesNotContain("s3cret-pw");
    }

    /**
     * A Redis user of its own (removed after), so the password is really checked: the settings' password
     * wins over the URL's, the right one is let in, a wrong one is not.
     */
    @Test
    void aPasswordFromTheSettings_isSentToRedis_andNeverShown() {
        String user = "tg_" + prefix.replace(":", "_").replace("-", "_");
        raw(r -> r.aclSetuser(user, io.lettuce.core.AclSetuserArgs.Builder.on().addPassword("pw-from-config").allKeys().allCommands()));
        after.add(() -> raw(r -> r.aclDeluser(user)));
        String url = TestRedis.URL.replace("redis://", "redis://" + user + ":stale-url-password@");

        RedisCounterStore store = new RedisCounterStore(new RedisCounterStore.Settings(url, "pw-from-config", prefix, Duration.ofSeconds(2)),
                Clock.systemUTC());
        after.add(store);
        assertThat(store.reserve(List.of(new Claim("a", 1, 1, Instant.now().plusSeconds(60)))).granted()).isTrue();

        RedisCounterStore.Settings wrong = new RedisCounterStore.Settings(url, "not-the-password", prefix, Duration.ofSeconds(2));
        assertThatThrownBy(() -> new RedisCounterStore(wrong, Clock.systemUTC()))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("cannot connect")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("not-the-password"));
        assertThat(wrong.toString()).doesNotContain("not-the-password");
    }

    @Test
    void aLostSeedMarker_stopsEveryReservation_untilOneThreadReseeded_andAJoiningStoreWatchesItToo() throws Exception {
        Instant end = Instant.now().plus(Duration.ofHours(1));
        RedisCounterStore first = store();
        assertThat(first.needsSeeding()).isTrue();
        first.set("budget", 90, end);
        first.markSeeded();
        // A second instance joining finds the marker: it leaves the counters alone, and guards its reservations too.
        RedisCounterStore joining = store();
        assertThat(joining.needsSeeding()).isFalse();
        java.util.concurrent.atomic.AtomicInteger reseeds = new java.util.concurrent.atomic.AtomicInteger();
        joining.onLoss(into -> {
            reseeds.incrementAndGet();
            into.set("budget", 95, end);
        });

        // Redis loses everything (FLUSHDB-like, for this prefix): the counter and the marker.
        raw(c -> c.del(prefix + "budget", prefix + "seeded"));
        List<Future<CounterStore.Reservation>> calls = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < 16; i++) {
                calls.add(pool.submit(() -> joining.reserve(List.of(new Claim("budget", 1, 100, end)))));
            }
        }
        int granted = 0;
        for (Future<CounterStore.Reservation> f : calls) {
            granted += f.get().granted() ? 1 : 0;
        }
        // Nothing passed against the empty counter: the re-seeded 95 left room for exactly 5.
        assertThat(reseeds.get()).isEqualTo(1);
        assertThat(granted).isEqualTo(5);
        assertThat(joining.values(List.of("budget"))).containsExactly(100L);
        assertThat(joining.needsSeeding()).isFalse();
    }
}
