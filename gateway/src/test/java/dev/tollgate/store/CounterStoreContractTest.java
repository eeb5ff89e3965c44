package dev.tollgate.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.store.memory.InMemoryCounterStore;
import dev.tollgate.store.redis.RedisCounterStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The {@link CounterStore} contract, run over every implementation: in-process, and Redis (the real
 * server, a fresh key prefix per test, see {@link TestRedis}).
 *
 * <p>Redis drops a key on its own clock at the key's expiry, so the test clock starts in the real future
 * (a whole hour two days ahead): a window that ends at {@code END} then ends for the store only when the
 * test moves its clock there, as it does for the in-process store.
 */
class CounterStoreContractTest {

    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofDays(2));
    private static final Instant END = NOW.plus(Duration.ofHours(1));

    /** A clock tests can move. */
    static final class MovableClock extends Clock {
        final AtomicReference<Instant> now = new AtomicReference<>(NOW);

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }

    enum Impl {
        IN_MEMORY {
            @Override
            CounterStore open(Clock clock, OpenedResources after) {
                return new InMemoryCounterStore(clock);
            }
        },
        REDIS {
            @Override
            CounterStore open(Clock clock, OpenedResources after) {
                String prefix = TestRedis.prefix("counters");
                after.add(TestRedis.deleteAll(prefix));
                RedisCounterStore store = new RedisCounterStore(new RedisCounterStore.Settings(TestRedis.URL, null, prefix, Duration.ofSeconds(5)), clock);
                after.add(store);
                return store;
            }
        };

        /** Opens a store; what must be released after the test goes to {@code after}, in order. */
        abstract CounterStore open(Clock clock, OpenedResources after);
    }

    @RegisterExtension
    final OpenedResources after = new OpenedResources();


    private CounterStore open(Impl impl, Clock clock) {
        return impl.open(clock, after);
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void grantedClaimsAddTheirAmountsAndReportTheNewValues(Impl impl) {
        CounterStore store = open(impl, new MovableClock());
        CounterStore.Reservation r = store.reserve(List.of(new Claim("a", 30, 100, END), new Claim("b", 5, 10, END)));
        assertThat(r.granted()).isTrue();
        assertThat(r.values()).containsExactly(30L, 5L);
        assertThat(store.values(List.of("a", "b", "never"))).containsExactly(30L, 5L, 0L);
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void aClaimThatWouldPassItsLimitRefusesTheWholeReservationAndChangesNothing(Impl impl) {
        CounterStore store = open(impl, new MovableClock());
        store.reserve(List.of(new Claim("a", 95, 100, END)));
        CounterStore.Reservation r = store.reserve(List.of(new Claim("b", 1, 10, END), new Claim("a", 6, 100, END)));
        assertThat(r.granted()).isFalse();
        assertThat(r.refused()).isEqualTo(1);
        assertThat(r.values()).containsExactly(0L, 95L);
        assertThat(store.values(List.of("a", "b"))).containsExactly(95L, 0L);
        // Reaching the limit exactly is allowed.
        assertThat(store.reserve(List.of(new Claim("a", 5, 100, END))).granted()).isTrue();
        assertThat(store.values(List.of("a"))).containsExactly(100L);
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void adjustSettlesAndReleasesButNeverGoesBelowZero(Impl impl) {
        CounterStore store = open(impl, new MovableClock());
        store.reserve(List.of(new Claim("a", 50, 100, END)));
        store.adjust(List.of(new Claim("a", -20, Claim.NO_LIMIT, END)));
        assertThat(store.values(List.of("a"))).containsExactly(30L);
        store.adjust(List.of(new Claim("a", -100, Claim.NO_LIMIT, END)));
        assertThat(store.values(List.of("a"))).containsExactly(0L);
        store.adjust(List.of(new Claim("a", 7, Claim.NO_LIMIT, END)));
        assertThat(store.values(List.of("a"))).containsExactly(7L);
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void aCounterPastItsExpiryReadsZeroAndStartsAfresh(Impl impl) {
        MovableClock clock = new MovableClock();
        CounterStore store = open(impl, clock);
        store.reserve(List.of(new Claim("w", 10, 10, END)));
        assertThat(store.reserve(List.of(new Claim("w", 1, 10, END))).granted()).isFalse();
        clock.now.set(END);
        assertThat(store.values(List.of("w"))).containsExactly(0L);
        Instant next = END.plus(Duration.ofHours(1));
        assertThat(store.reserve(List.of(new Claim("w", 1, 10, next))).values()).containsExactly(1L);
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void setOverwritesAValue(Impl impl) {
        CounterStore store = open(impl, new MovableClock());
        store.reserve(List.of(new Claim("a", 40, 100, END)));
        store.set("a", 0, END);
        assertThat(store.values(List.of("a"))).containsExactly(0L);
        store.set("a", 90, END);
        assertThat(store.reserve(List.of(new Claim("a", 11, 100, END))).granted()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void negativeReservationsAreRefusedAsProgrammingErrors(Impl impl) {
        CounterStore store = open(impl, new MovableClock());
        assertThatThrownBy(() -> store.reserve(List.of(new Claim("a", -1, 10, END))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative amount");
    }

    /**
     * Many threads reserve random amounts against two shared counters and release some: the limit is
     * never passed, and the final values equal exactly what the granted reservations kept.
     */
    @ParameterizedTest
    @EnumSource(Impl.class)
    void concurrentReservationsNeverPassTheLimitAndLoseNothing(Impl impl) throws Exception {
        CounterStore store = open(impl, new MovableClock());
        long limit = 10_000;
        int threads = 16;
        int perThread = 2_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<long[]>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            long seed = 42 + t;
            results.add(pool.submit(() -> {
                Random random = new Random(seed);
                long keptShared = 0;
                long keptOwn = 0;
                start.await();
                for (int i = 0; i < perThread; i++) {
                    long amount = 1 + random.nextInt(20);
                    String own = "own-" + seed;
                    CounterStore.Reservation r = store.reserve(List.of(new Claim("shared", amount, limit, END), new Claim(own, amount, Claim.NO_LIMIT, END)));
                    if (r.granted()) {
                        assertThat(r.values().getFirst()).isLessThanOrEqualTo(limit);
                    } else {
                        assertThat(r.values().getFirst() + amount).isGreaterThan(limit);
                        continue;
                    }
                    long actual = random.nextInt((int) amount + 1);
                    store.adjust(List.of(new Claim("shared", actual - amount, Claim.NO_LIMIT, END), new Claim(own, actual - amount, Claim.NO_LIMIT, END)));
                    keptShared += actual;
                    keptOwn += actual;
                }
                return new long[] {keptShared, keptOwn};
            }));
        }
        start.countDown();
        long expected = 0;
        for (int t = 0; t < threads; t++) {
            long[] kept = results.get(t).get();
            expected += kept[0];
            assertThat(store.values(List.of("own-" + (42 + t)))).containsExactly(kept[1]);
        }
        pool.shutdown();
        assertThat(store.values(List.of("shared"))).containsExactly(expected);
        assertThat(expected).isLessThanOrEqualTo(limit);
    }
}
