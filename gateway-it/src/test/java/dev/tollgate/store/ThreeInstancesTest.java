package dev.tollgate.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.api.openai.OpenAiChatParser;
import dev.tollgate.model.Usage;
import dev.tollgate.testing.MockResponse;
import dev.tollgate.testing.MockUpstream;
import dev.tollgate.testing.OpenAiFixtures;
import dev.tollgate.usage.TokenCounter;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Three gateway processes on one PostgreSQL schema and one Redis prefix, 200 concurrent clients spread over
 * them: a token budget lets exactly as many calls through as fit (never more), a deployment's rpm lets exactly
 * its limit through in its minute, and the shared counter ends exactly at the ledger's settled usage.
 */
class ThreeInstancesTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int CALLS = 200;
    private static final int MAX_TOKENS = 100;
    private static final int FIT = 50;
    private static final int RPM = 42;

    @RegisterExtension
    static final MockUpstream upstream = new MockUpstream();

    @TempDir
    static Path dir;

    static SharedFleet fleet;
    static List<Integer> ports;
    static long promptOk;
    static long reserve;
    static long limit;

    private static String body(String model, String prompt) {
        return "{\"model\":\"" + model + "\",\"max_tokens\":" + MAX_TOKENS + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}";
    }

    private static String sections() {
        return """
                providers:
                  - {name: openai, kind: openai, base_url: "%s", api_key: sk-upstream}
                  - {name: limited, kind: openai_compatible, base_url: "%s", limits: {rpm: %d}}
                budgets:
                  - {name: per-agent, scope: {agent: "*", provider: openai}, metric: tokens, period: month, limit: %d}
                """.formatted(upstream.baseUrl(), upstream.baseUrl(), RPM, limit);
    }

    @BeforeAll
    static void start() {
        var request = new OpenAiChatParser(JSON).parse(body("gpt-4o-mini", "kind ok").getBytes(StandardCharsets.UTF_8));
        promptOk = new TokenCounter().countPrompt("gpt-4o-mini", request.messages());
        reserve = promptOk + MAX_TOKENS;
        limit = FIT * reserve + reserve / 2;
        billFullReservations();
        fleet = new SharedFleet("three", dir);
        ports = fleet.start(3, sections());
        // Each instance learns the deployment's prompt ratio from one billed call (of its own agent).
        for (int i = 0; i < ports.size(); i++) {
            assertThat(chat(ports.get(i), "warm-up-" + i, "gpt-4o-mini", "warm-" + i).statusCode()).isEqualTo(200);
        }
    }

    /** Every call bills exactly what it reserved, so "as many as fit" is a number (the extension resets this per test). */
    @BeforeEach
    void billEachCallItsReservation() {
        billFullReservations();
    }

    private static void billFullReservations() {
        upstream.fallback(r -> MockResponse.json(200, OpenAiFixtures.chatCompletion("gpt-4o-mini", "ok",
                new Usage(promptOk, MAX_TOKENS, 0, 0, false))));
    }

    @AfterAll
    static void stop() throws Exception {
        if (fleet != null) {
            fleet.close();
        }
    }

    private static HttpResponse<String> chat(int port, String agent, String model, String id) {
        return fleet.send(port, HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .header("x-tollgate-agent", agent).header("X-Tollgate-Request-Id", id)
                .POST(HttpRequest.BodyPublishers.ofString(body(model, "kind ok"))));
    }

    /** {@code CALLS} calls released at once, round robin over the instances; their responses. */
    private static List<HttpResponse<String>> burst(String agent, String model, String idPrefix) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<HttpResponse<String>>> running = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < CALLS; i++) {
                int port = ports.get(i % ports.size());
                String id = idPrefix + i;
                running.add(pool.submit(() -> {
                    go.await();
                    return chat(port, agent, model, id);
                }));
            }
            go.countDown();
        }
        List<HttpResponse<String>> out = new ArrayList<>();
        for (Future<HttpResponse<String>> f : running) {
            out.add(f.get());
        }
        return out;
    }

    private static long used(int port, String agent) {
        JsonNode status = JSON.readTree(fleet.get(port, "/api/token-usage/provider-status/" + agent).body());
        for (JsonNode p : status.path("providers")) {
            if ("openai".equals(p.path("provider").asString(null))) {
                return p.path("used").asLong();
            }
        }
        throw new AssertionError("no openai budget for " + agent + " in " + status);
    }

    @Test
    @Timeout(180)
    void aTokenBudget_letsExactlyAsManyCallsThroughAsFit_acrossThreeInstances_andTheCounterEndsAtTheLedgersUsage() throws Exception {
        int before = upstream.requestCount();
        Map<Integer, Integer> byStatus = new ConcurrentHashMap<>();
        for (HttpResponse<String> r : burst("burst", "gpt-4o-mini", "burst-")) {
            byStatus.merge(r.statusCode(), 1, Integer::sum);
            if (r.statusCode() != 200) {
                assertThat(JSON.readTree(r.body()).path("error").path("code").asString()).as(r.body()).isEqualTo("budget_exceeded");
            }
        }

        assertThat(byStatus).containsExactlyInAnyOrderEntriesOf(Map.of(200, FIT, 429, CALLS - FIT));
        assertThat(upstream.requestCount() - before).isEqualTo(FIT);
        fleet.awaitEvents("burst-", CALLS);
        long billed = fleet.query("SELECT coalesce(sum(input_tokens + output_tokens), 0) FROM S.usage_events WHERE agent = 'burst'");
        assertThat(billed).isEqualTo(FIT * reserve).isLessThanOrEqualTo(limit);
        // Every instance reads the one shared counter, and it holds exactly the settled usage: no reservation left behind.
        for (int port : ports) {
            assertThat(used(port, "burst")).isEqualTo(billed);
        }
    }

    @Test
    @Timeout(180)
    void aDeploymentsRpm_letsExactlyItsLimitThroughInItsMinute_acrossThreeInstances() throws Exception {
        // The window is the UTC minute: start the burst early in one, so it cannot straddle two.
        await().atMost(Duration.ofSeconds(70)).pollInterval(Duration.ofMillis(200))
                .until(() -> Instant.now().getEpochSecond() % 60 < 30);
        int before = upstream.requestCount();
        Map<Integer, Integer> byStatus = new ConcurrentHashMap<>();
        for (HttpResponse<String> r : burst("rpm", "limited/gpt-4o-mini", "rpm-")) {
            byStatus.merge(r.statusCode(), 1, Integer::sum);
            if (r.statusCode() == 429) {
                assertThat(r.headers().firstValue("retry-after")).isPresent();
            }
        }

        assertThat(byStatus).containsExactlyInAnyOrderEntriesOf(Map.of(200, RPM, 429, CALLS - RPM));
        assertThat(upstream.requestCount() - before).isEqualTo(RPM);
        fleet.awaitEvents("rpm-", CALLS);
        assertThat(fleet.query("SELECT count(*) FROM S.usage_events WHERE agent = 'rpm' AND status = 200")).isEqualTo(RPM);
    }

    @Test
    void readyReportsEachSharedDependency() {
        for (int port : ports) {
            HttpResponse<String> r = fleet.get(port, "/ready");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode checks = JSON.readTree(r.body()).path("checks");
            assertThat(checks.path("ledger").asString()).isEqualTo("ok");
            assertThat(checks.path("postgres").asString()).isEqualTo("ok");
            assertThat(checks.path("redis_counters").asString()).isEqualTo("ok");
        }
    }
}
