package dev.tollgate.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.Gateway;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.testing.MockUpstream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A running gateway on PostgreSQL and Redis while one of them goes away and comes back, without a restart of
 * the gateway: Redis (a child {@code redis-server} of the test's own, killed and started again empty) under
 * {@code fail_closed} refuses with a clear 503 in the caller's dialect and under {@code fail_open} keeps
 * serving; either way the counters are re-seeded from the ledger when it returns. PostgreSQL is reached
 * through a TCP proxy the test cuts: calls go on, {@code /ready} says so, and the journal drains into the
 * database when it returns, every event once.
 */
class OutagesTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @RegisterExtension
    static final MockUpstream upstream = new MockUpstream();

    @TempDir
    Path dir;

    private SharedFleet shared;
    private Process redis;
    private Gateway gateway;
    private TcpProxy proxy;
    private final java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();

    @AfterEach
    void close() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (redis != null) {
            redis.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        if (proxy != null) {
            proxy.close();
        }
        if (shared != null) {
            shared.close();
        }
    }

    private Gateway start(String pgUrl, int redisPort, String onOutage) throws IOException {
        Path file = dir.resolve("tollgate.yaml");
        Files.writeString(file, """
                server: {host: 127.0.0.1, port: 0}
                data_dir: %s
                storage: {kind: postgres, url: "%s", user: %s, schema: %s, pool_size: 4}
                counters: {kind: redis, url: "redis://127.0.0.1:%d", key_prefix: "%s", on_outage: %s, timeout_ms: 300}
                providers:
                  - {name: openai, kind: openai, base_url: "%s", api_key: sk-upstream}
                budgets:
                  - {name: per-agent, scope: {agent: "*"}, metric: tokens, period: month, limit: 100000000}
                """.formatted(dir.resolve("data"), pgUrl, SharedFleet.PG_USER, shared.schema, redisPort, shared.prefix, onOutage,
                upstream.baseUrl()));
        TollgateConfig config = new ConfigLoader(Map.of()).load(Optional.of(file));
        return Gateway.start(config);
    }

    private HttpResponse<String> chat(String agent) {
        String id = "outage-" + calls.getAndIncrement();
        return shared.send(0, HttpRequest.newBuilder(gateway.baseUrl().resolve("/v1/chat/completions"))
                .header("x-tollgate-agent", agent).header("X-Tollgate-Request-Id", id)
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o-mini\",\"max_tokens\":20,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")));
    }

    private HttpResponse<String> messages(String agent) {
        return shared.send(0, HttpRequest.newBuilder(gateway.baseUrl().resolve("/v1/messages"))
                .header("x-tollgate-agent", agent).header("anthropic-version", "2023-06-01")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o-mini\",\"max_tokens\":20,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")));
    }

    private HttpResponse<String> ready() {
        return shared.send(0, HttpRequest.newBuilder(gateway.baseUrl().resolve("/ready")).GET());
    }

    private long used(String agent) {
        JsonNode status = JSON.readTree(shared.send(0, HttpRequest.newBuilder(
                gateway.baseUrl().resolve("/api/token-usage/provider-status/" + agent)).GET()).body());
        return status.path("providers").path(0).path("used").asLong();
    }

    private long ledgerTokens(String agent) throws Exception {
        gateway.ledger().flush();
        return shared.query("SELECT coalesce(sum(input_tokens + output_tokens), 0) FROM S.usage_events WHERE agent = '" + agent + "'");
    }

    @Test
    @Timeout(120)
    void redisDown_failClosed_refusesWithAClear503InEachDialect_andRecoversReseededWithoutARestart() throws Exception {
        shared = new SharedFleet("outclosed", dir);
        int port = freePort();
        redis = startRedis(port);
        gateway = start(SharedFleet.PG_URL, port, "fail_closed");
        for (int i = 0; i < 5; i++) {
            assertThat(chat("a").statusCode()).isEqualTo(200);
        }
        long before = used("a");
        assertThat(before).isEqualTo(ledgerTokens("a")).isPositive();

        redis.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        HttpResponse<String> refused = await().atMost(Duration.ofSeconds(20)).until(() -> chat("a"), r -> r.statusCode() == 503);
        JsonNode error = JSON.readTree(refused.body()).path("error");
        assertThat(error.path("code").asString()).isEqualTo("counter_store_unavailable");
        assertThat(error.path("message").asString()).contains("budgets and rate limits cannot be checked", "Redis at 127.0.0.1:" + port);
        assertThat(refused.headers().firstValue("retry-after")).contains("1");
        HttpResponse<String> anthropic = messages("a");
        assertThat(anthropic.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(anthropic.body()).path("type").asString()).isEqualTo("error");
        assertThat(JSON.readTree(anthropic.body()).path("error").path("message").asString()).contains("Redis at 127.0.0.1:" + port);
        HttpResponse<String> notReady = ready();
        assertThat(notReady.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(notReady.body()).path("checks").path("redis_counters").asString()).contains("calls refused");

        // Back, empty (nothing was saved): the counters are re-seeded from the ledger before calls pass again.
        redis = startRedis(port);
        await().atMost(Duration.ofSeconds(20)).until(() -> chat("a").statusCode() == 200);
        assertThat(used("a")).isEqualTo(ledgerTokens("a")).isGreaterThan(before);
        assertThat(ready().statusCode()).isEqualTo(200);
    }

    @Test
    @Timeout(180)
    void redisRestartedUnderLoad_failClosed_answersOnlyAnswersOrTheClearRefusal_andRecoversByItself() throws Exception {
        shared = new SharedFleet("outload", dir);
        int port = freePort();
        redis = startRedis(port);
        gateway = start(SharedFleet.PG_URL, port, "fail_closed");
        java.util.Map<Integer, Integer> byStatus = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.Set<String> refusals = java.util.concurrent.ConcurrentHashMap.newKeySet();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger okSince = new java.util.concurrent.atomic.AtomicInteger();
        java.util.List<Thread> clients = new java.util.ArrayList<>();
        for (int t = 0; t < 16; t++) {
            clients.add(Thread.ofVirtual().start(() -> {
                while (!stop.get()) {
                    HttpResponse<String> r = chat("load");
                    byStatus.merge(r.statusCode(), 1, Integer::sum);
                    if (r.statusCode() == 200) {
                        okSince.incrementAndGet();
                    } else {
                        refusals.add(JSON.readTree(r.body()).path("error").path("code").asString());
                    }
                }
            }));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> okSince.get() >= 200);
        redis.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(30)).until(() -> byStatus.getOrDefault(503, 0) >= 50);
        redis = startRedis(port);
        okSince.set(0);
        await().atMost(Duration.ofSeconds(30)).until(() -> okSince.get() >= 200);
        stop.set(true);
        for (Thread c : clients) {
            c.join(30_000);
        }

        assertThat(byStatus.keySet()).containsExactlyInAnyOrder(200, 503);
        assertThat(refusals).containsExactly("counter_store_unavailable");
        assertThat(ready().statusCode()).isEqualTo(200);
        // Re-seeded from the ledger; calls in flight across the loss may leave the counter low by what they had
        // reserved (16 clients, well under 200 tokens each), never high.
        long ledger = ledgerTokens("load");
        assertThat(used("load")).isLessThanOrEqualTo(ledger).isGreaterThanOrEqualTo(ledger - 16 * 200);
    }

    @Test
    @Timeout(120)
    void redisDown_failOpen_keepsServingOnThisInstancesCounters_andRecoversReseededWithoutARestart() throws Exception {
        shared = new SharedFleet("outopen", dir);
        int port = freePort();
        redis = startRedis(port);
        gateway = start(SharedFleet.PG_URL, port, "fail_open");
        assertThat(chat("b").statusCode()).isEqualTo(200);

        redis.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        for (int i = 0; i < 10; i++) {
            assertThat(chat("b").statusCode()).isEqualTo(200);
        }
        HttpResponse<String> degraded = ready();
        assertThat(degraded.statusCode()).as(degraded.body()).isEqualTo(200);
        assertThat(JSON.readTree(degraded.body()).path("checks").path("redis_counters").asString()).contains("counting in this instance");

        redis = startRedis(port);
        await().atMost(Duration.ofSeconds(20)).until(() -> JSON.readTree(ready().body()).path("checks").path("redis_counters")
                .asString().equals("ok"));
        assertThat(chat("b").statusCode()).isEqualTo(200);
        assertThat(used("b")).isEqualTo(ledgerTokens("b"));
    }

    @Test
    @Timeout(120)
    void postgresCut_callsGoOn_readySaysSo_andTheJournalDrainsEveryEventOnceWhenItReturns() throws Exception {
        shared = new SharedFleet("outpg", dir);
        proxy = new TcpProxy("127.0.0.1", 5432);
        int port = freePort();
        redis = startRedis(port);
        gateway = start("jdbc:postgresql://127.0.0.1:" + proxy.port() + "/test", port, "fail_closed");
        for (int i = 0; i < 5; i++) {
            assertThat(chat("c").statusCode()).isEqualTo(200);
        }
        shared.awaitEvents("outage-", 5);

        proxy.cut();
        for (int i = 0; i < 20; i++) {
            assertThat(chat("c").statusCode()).isEqualTo(200);
        }
        // The ledger's writer sees it with its next batch; the database probe (every second, each try bounded by the
        // pool's 5 s connection timeout) soon after.
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            HttpResponse<String> r = ready();
            JsonNode checks = JSON.readTree(r.body()).path("checks");
            return r.statusCode() == 503 && checks.path("ledger").asString().equals("failing")
                    && checks.path("postgres").asString().contains("unreachable");
        });

        proxy.restore();
        shared.awaitEvents("outage-", 25);
        await().atMost(Duration.ofSeconds(30)).until(() -> ready().statusCode() == 200);
        Map<String, Integer> stored = shared.eventsPerRequest();
        for (int i = 0; i < 25; i++) {
            assertThat(stored.get("outage-" + i)).as("events of outage-%d", i).isEqualTo(1);
        }
        assertThat(stored.values()).containsOnly(1);
    }

    private Process startRedis(int port) throws IOException {
        Process p = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no", "--dir", dir.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile())).start();
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
