package dev.tollgate.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tollgate.store.Claim;
import dev.tollgate.store.CounterStore;
import dev.tollgate.store.StoreUnavailableException;
import dev.tollgate.store.TestRedis;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outage policy over a Redis of the test's own (a child {@code redis-server}, so the shared one is never
 * disturbed): fail closed refuses and replays settlements, fail open counts locally and hands the counts over,
 * and a Redis that comes back empty (no seed marker) has its counters re-seeded before anything passes.
 */
class FailoverCounterStoreTest {

    @TempDir
    Path dir;

    private Process redis;
    private FailoverCounterStore store;
    private final Instant end = Instant.now().plus(Duration.ofHours(1));

    @AfterEach
    void stop() throws Exception {
        if (store != null) {
            store.close();
        }
        if (redis != null) {
            redis.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private FailoverCounterStore open(int port, boolean failOpen) {
        RedisCounterStore r = new RedisCounterStore(new RedisCounterStore.Settings("redis://127.0.0.1:" + port, null, "t:",
                Duration.ofMillis(300)), Clock.systemUTC());
        return new FailoverCounterStore(r, failOpen, Clock.systemUTC());
    }

    private Claim claim(String key, long amount, long limit) {
        return new Claim(key, amount, limit, end);
    }

    @Test
    void failClosed_refusesWhileDown_andReplaysSettlementsInOrderWhenRedisReturnsWithItsData() throws Exception {
        TestRedis.requireServer();
        int port = freePort();
        redis = start(port, true);
        store = open(port, false);
        store.markSeeded();
        assertThat(store.reserve(List.of(claim("a", 50, 100))).granted()).isTrue();

        // SIGSTOP: the server keeps its data but answers nothing, as a network partition looks.
        signal("STOP");
        // A read finds the outage (a reservation that times out may still run when Redis resumes, and then
        // over-counts: the safe direction, documented). From then on nothing is sent until Redis answers a probe.
        assertThatThrownBy(() -> store.values(List.of("a"))).isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("Redis at 127.0.0.1:" + port);
        assertThatThrownBy(() -> store.reserve(List.of(claim("a", 1, 100)))).isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("Redis at 127.0.0.1:" + port);
        assertThat(store.healthy()).isFalse();
        assertThat(store.state()).contains("calls refused");
        // The reservation made before the outage settles at 20 while Redis is away.
        store.adjust(List.of(claim("a", -30, Claim.NO_LIMIT)));
        assertThatThrownBy(() -> store.values(List.of("a"))).isInstanceOf(StoreUnavailableException.class);

        signal("CONT");
        await().atMost(Duration.ofSeconds(15)).until(store::healthy);
        assertThat(store.values(List.of("a"))).containsExactly(20L);
        assertThat(store.reserve(List.of(claim("a", 80, 100))).granted()).isTrue();
        assertThat(store.reserve(List.of(claim("a", 1, 100))).granted()).isFalse();
    }

    @Test
    void failOpen_countsInThisInstanceWhileDown_andAddsThoseCountsToRedisWhenItReturns() throws Exception {
        TestRedis.requireServer();
        int port = freePort();
        redis = start(port, true);
        store = open(port, true);
        store.markSeeded();
        assertThat(store.reserve(List.of(claim("a", 10, 100))).granted()).isTrue();

        signal("STOP");
        // A read finds the outage and is answered locally; the limit then holds in this instance.
        assertThat(store.values(List.of("b"))).containsExactly(0L);
        assertThat(store.reserve(List.of(claim("b", 60, 100))).granted()).isTrue();
        assertThat(store.reserve(List.of(claim("b", 50, 100))).granted()).isFalse();
        assertThat(store.state()).contains("counting in this instance");

        signal("CONT");
        await().atMost(Duration.ofSeconds(15)).until(store::healthy);
        assertThat(store.values(List.of("a", "b"))).containsExactly(10L, 60L);
    }

    @Test
    void aRedisThatComesBackEmpty_isReseededBeforeTheNextReservationPasses() throws Exception {
        TestRedis.requireServer();
        int port = freePort();
        redis = start(port, false);
        store = open(port, false);
        AtomicInteger reseeds = new AtomicInteger();
        // The ledger says 90 of 100 are used: a reservation of 20 must be refused after the reseed.
        store.onLoss(into -> {
            reseeds.incrementAndGet();
            into.set("budget", 90, end);
        });
        assertThat(store.needsSeeding()).isTrue();
        store.set("budget", 90, end);
        store.markSeeded();
        assertThat(store.needsSeeding()).isFalse();

        // Restarted with nothing saved: every counter and the marker are gone.
        redis.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        redis = start(port, false);
        await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> {
            CounterStore.Reservation r = store.reserve(List.of(claim("budget", 20, 100)));
            return !r.granted();
        });
        assertThat(reseeds.get()).isEqualTo(1);
        assertThat(store.needsSeeding()).isFalse();
        assertThat(store.values(List.of("budget"))).containsExactly(90L);
        assertThat(store.reserve(List.of(claim("budget", 10, 100))).granted()).isTrue();
    }

    private void signal(String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(redis.pid())).start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }

    private Process start(int port, boolean keepData) throws IOException {
        Process p = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no", "--dir", dir.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis-" + port + "-" + keepData + ".log").toFile()).start();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return s.isConnected();
            }
        });
        return p;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
