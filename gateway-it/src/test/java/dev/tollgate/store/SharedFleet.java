package dev.tollgate.store;

import static org.awaitility.Awaitility.await;

import dev.tollgate.testing.TollgateProcess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Several gateway processes (the packaged jar, as {@code tollgate serve} runs) sharing one PostgreSQL schema
 * and one Redis key prefix of their own, which {@link #close} drops: other tests running at the same time
 * never see them. Without PostgreSQL or Redis the test is skipped, unless {@code TOLLGATE_REQUIRE_POSTGRES=1}
 * or {@code TOLLGATE_REQUIRE_REDIS=1} make that a failure.
 */
final class SharedFleet implements AutoCloseable {

    static final String PG_URL = "jdbc:postgresql://127.0.0.1:5432/test";
    static final String PG_USER = "postgres";
    static final String REDIS_URL = "redis://127.0.0.1:6379";

    final String schema;
    final String prefix;
    private final Path dir;
    private final List<Process> processes = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    SharedFleet(String label, Path dir) {
        requireServers();
        String id = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        this.schema = ("t_" + label + "_" + id).toLowerCase(Locale.ROOT);
        this.prefix = "test:" + label + ":" + id + ":";
        this.dir = dir;
    }

    /** The YAML of instance {@code n}: {@code sections} (providers, budgets) and the shared stores. */
    String config(int n, String sections, String counterExtras) {
        return """
                server: {host: 127.0.0.1, port: 0}
                data_dir: %s
                storage: {kind: postgres, url: "%s", user: %s, schema: %s, pool_size: 4}
                counters: {kind: redis, url: "%s", key_prefix: "%s", timeout_ms: 5000%s}
                """.formatted(dir.resolve("data-" + n), PG_URL, PG_USER, schema, REDIS_URL, prefix, counterExtras) + sections;
    }

    /** Starts {@code count} instances side by side; returns their ports, in order. */
    List<Integer> start(int count, String sections) {
        List<Process> started = new ArrayList<>();
        for (int n = 0; n < count; n++) {
            started.add(launch(n, sections));
        }
        for (Process p : started) {
            ports.add(TollgateProcess.awaitPort(p));
        }
        return List.copyOf(ports);
    }

    /** Starts instance {@code n} again on its data directory (after a kill); returns its new port. */
    int restart(int n, String sections) {
        Process p = launch(n, sections);
        int port = TollgateProcess.awaitPort(p);
        ports.set(n, port);
        return port;
    }

    private Process launch(int n, String sections) {
        try {
            Path file = dir.resolve("tollgate-" + n + ".yaml");
            Files.writeString(file, config(n, sections, ""));
            Process p = TollgateProcess.start(Map.of(), "serve", "--config", file.toString());
            if (n < processes.size()) {
                processes.set(n, p);
            } else {
                processes.add(p);
            }
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Process process(int n) {
        return processes.get(n);
    }

    /** SIGKILL: nothing is drained, nothing is closed. */
    void kill(int n) throws InterruptedException {
        processes.get(n).destroyForcibly();
        if (!processes.get(n).waitFor(20, TimeUnit.SECONDS)) {
            throw new AssertionError("instance " + n + " did not die");
        }
    }

    /** SIGTERM to every instance, waiting for each to drain and exit. */
    void stopAll() throws InterruptedException {
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("an instance did not stop within 60 s");
            }
        }
    }

    HttpResponse<String> send(int port, HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<String> get(int port, String path) {
        return send(port, HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET());
    }

    /** Usage events per request id in the shared ledger. */
    Map<String, Integer> eventsPerRequest() throws SQLException {
        Map<String, Integer> out = new HashMap<>();
        try (Connection c = connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT request_id, count(*) FROM " + schema + ".usage_events GROUP BY request_id")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getInt(2));
            }
        }
        return out;
    }

    /** One number from the shared ledger ({@code SELECT sum(...) FROM usage_events WHERE ...}); the schema is {@code S}. */
    long query(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql.replace("S.", schema + "."))) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Waits until the shared ledger holds {@code expected} events for requests whose id starts with {@code idPrefix}. */
    void awaitEvents(String idPrefix, long expected) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> query("SELECT count(*) FROM S.usage_events WHERE request_id LIKE '" + idPrefix + "%'") >= expected);
    }

    private static Connection connect() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", PG_USER);
        p.setProperty("connectTimeout", "3");
        return DriverManager.getConnection(PG_URL, p);
    }

    /** The Redis keys under this fleet's prefix. */
    List<String> redisKeys() {
        RedisClient client = RedisClient.create(REDIS_URL);
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            List<String> keys = new ArrayList<>();
            ScanIterator.scan(c.sync(), ScanArgs.Builder.matches(prefix + "*").limit(1_000)).forEachRemaining(keys::add);
            return keys;
        } finally {
            client.shutdown();
        }
    }

    private static void requireServers() {
        try (Connection c = connect()) {
            c.isValid(3);
        } catch (SQLException e) {
            skipOrFail("PostgreSQL at " + PG_URL + " is not reachable", "TOLLGATE_REQUIRE_POSTGRES");
        }
        RedisClient client = RedisClient.create(REDIS_URL);
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            c.sync().ping();
        } catch (RuntimeException e) {
            skipOrFail("Redis at " + REDIS_URL + " is not reachable", "TOLLGATE_REQUIRE_REDIS");
        } finally {
            client.shutdown();
        }
    }

    private static void skipOrFail(String message, String variable) {
        if ("1".equals(System.getenv(variable))) {
            throw new AssertionError(message + ", and " + variable + "=1");
        }
        Assumptions.abort(message);
    }

    @Override
    public void close() throws Exception {
        for (Process p : processes) {
            if (p.isAlive()) {
                p.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
            }
        }
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
        List<String> keys = redisKeys();
        if (!keys.isEmpty()) {
            RedisClient client = RedisClient.create(REDIS_URL);
            try (StatefulRedisConnection<String, String> c = client.connect()) {
                c.sync().del(keys.toArray(String[]::new));
            } finally {
                client.shutdown();
            }
        }
    }
}
