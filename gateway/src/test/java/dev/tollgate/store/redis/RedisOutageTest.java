package dev.tollgate.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tollgate.store.Claim;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Redis of this test's own (a child {@code redis-server} on a free loopback port, so the shared one is
 * never disturbed) stopped and started under a running store: calls fail fast with a clear outage while
 * it is down, and work again, scripts reloaded, once it is back, without a new store.
 */
class RedisOutageTest {

    @TempDir
    Path dir;

    private Process redis;
    private RedisCounterStore store;

    @AfterEach
    void stop() throws Exception {
        if (store != null) {
            store.close();
        }
        if (redis != null) {
            redis.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void whileRedisIsDown_callsFailFastWithAClearOutage_andRecoverWhenItIsBack() throws Exception {
        TestRedis.requireServer(); // the binary comes with the server; without one this test is skipped like the others
        int port = freePort();
        redis = start(port);
        store = new RedisCounterStore(new RedisCounterStore.Settings("redis://127.0.0.1:" + port, null, "t:", Duration.ofMillis(500)),
                Clock.systemUTC());
        Instant end = Instant.now().plus(Duration.ofHours(1));
        assertThat(store.reserve(List.of(new Claim("a", 5, 100, end))).values()).containsExactly(5L);

        redis.destroyForcibly().waitFor(10, TimeUnit.SECONDS);

        long t0 = System.nanoTime();
        assertThatThrownBy(() -> store.reserve(List.of(new Claim("a", 5, 100, end))))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("Redis at 127.0.0.1:" + port);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        assertThat(store.healthy()).isFalse();

        // A new, empty Redis on the same port (nothing was saved): the store reconnects and loads its script again.
        redis = start(port);
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> store.reserve(List.of(new Claim("a", 7, 100, end))).granted());
        assertThat(store.values(List.of("a"))).containsExactly(7L);
        assertThat(store.healthy()).isTrue();
    }

    private Process start(int port) throws IOException {
        Process p = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no", "--dir", dir.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis-" + port + ".log").toFile()).start();
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
