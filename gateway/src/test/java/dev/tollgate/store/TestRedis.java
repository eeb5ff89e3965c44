package dev.tollgate.store;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * The real Redis on 127.0.0.1:6379, one fresh key prefix per use: {@link #prefix} makes a random one and
 * {@link #deleteAll} removes every key under it, so parallel runs never see each other's counters.
 * Without a server the test is skipped, unless {@code TOLLGATE_REQUIRE_REDIS=1} (set by {@code .ci/run})
 * makes that a failure. {@code TOLLGATE_TEST_REDIS_URL} points elsewhere.
 */
public final class TestRedis {

    public static final String URL = System.getenv().getOrDefault("TOLLGATE_TEST_REDIS_URL", "redis://127.0.0.1:6379");

    private static volatile Boolean reachable;

    private TestRedis() {
    }

    /** A prefix no other test uses, or the test is skipped (fails where Redis is required). */
    public static String prefix(String label) {
        requireServer();
        return "test:" + label + ":" + UUID.randomUUID().toString().substring(0, 8) + ":";
    }

    public static void requireServer() {
        if (reachable == null) {
            reachable = ping();
        }
        if (!reachable) {
            String message = "Redis at " + URL + " is not reachable";
            if ("1".equals(System.getenv("TOLLGATE_REQUIRE_REDIS"))) {
                throw new AssertionError(message + ", and TOLLGATE_REQUIRE_REDIS=1");
            }
            Assumptions.abort(message);
        }
    }

    private static boolean ping() {
        RedisURI uri = RedisURI.create(URL);
        uri.setTimeout(Duration.ofSeconds(2));
        RedisClient client = RedisClient.create(uri);
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            return "PONG".equals(c.sync().ping());
        } catch (RuntimeException e) {
            return false;
        } finally {
            client.shutdown();
        }
    }

    /** The keys under {@code prefix} (for checks behind the store), and deletes them when {@code delete}. */
    public static List<String> keys(String prefix, boolean delete) {
        RedisClient client = RedisClient.create(URL);
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            List<String> keys = new ArrayList<>();
            ScanIterator.scan(c.sync(), ScanArgs.Builder.matches(prefix + "*").limit(1_000)).forEachRemaining(keys::add);
            if (delete && !keys.isEmpty()) {
                c.sync().del(keys.toArray(String[]::new));
            }
            return keys;
        } finally {
            client.shutdown();
        }
    }

    /** Removes every key under {@code prefix}. */
    public static AutoCloseable deleteAll(String prefix) {
        return () -> keys(prefix, true);
    }
}
