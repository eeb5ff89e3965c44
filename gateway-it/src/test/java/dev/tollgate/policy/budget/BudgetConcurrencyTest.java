package dev.tollgate.policy.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.api.openai.OpenAiChatParser;
import dev.tollgate.model.Usage;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.store.UsageFilter;
import dev.tollgate.testing.MockResponse;
import dev.tollgate.testing.MockUpstream;
import dev.tollgate.testing.OpenAiFixtures;
import dev.tollgate.usage.TokenCounter;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * 200 concurrent calls over real HTTP against a per-agent budget that fits only some of them. The
 * amounts are deterministic (every call reserves the same worst case), so "as many as fit" is a number.
 */
class BudgetConcurrencyTest {

    private static final int CALLS = 200;
    private static final int MAX_TOKENS = 100;
    private static final int FIT = 50;

    @RegisterExtension
    static final MockUpstream upstream = new MockUpstream();

    static BudgetGateway gateway;
    static long promptOk;
    static long reserve;
    static long limit;

    private static String body(String prompt, boolean stream) {
        return "{\"model\":\"gpt-4o-mini\",\"max_tokens\":" + MAX_TOKENS + (stream ? ",\"stream\":true" : "")
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}";
    }

    /** The prompt as the gateway counts it, so the test knows each call's reservation to the token. */
    private static long promptTokens(String prompt) {
        var request = new OpenAiChatParser(BudgetGateway.JSON).parse(body(prompt, false).getBytes(StandardCharsets.UTF_8));
        return new TokenCounter().countPrompt("gpt-4o-mini", request.messages());
    }

    @BeforeAll
    static void start() {
        promptOk = promptTokens("kind ok");
        reserve = promptOk + MAX_TOKENS;
        limit = FIT * reserve + reserve / 2;
        gateway = new BudgetGateway("""
                providers:
                  - {name: openai, kind: openai, base_url: "${UPSTREAM}", api_key: sk-upstream, retries: {max: 0}, circuit_breaker: {enabled: false}}
                budgets:
                  - {name: per-agent, scope: {agent: "*"}, metric: tokens, period: month, limit: "${LIMIT}"}
                """, Map.of("UPSTREAM", upstream.baseUrl().toString(), "LIMIT", Long.toString(limit)), Clock.systemUTC());
        // A deployment that has billed nothing reserves its prompt at 4x: one call teaches it the exact ratio.
        upstream.fallback(r -> answer("kind ok"));
        assertThat(gateway.chat("warm-up", "gpt-4o-mini", MAX_TOKENS, "kind ok").statusCode()).isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        gateway = null;
    }

    /** Answers by the prompt's kind: the full reservation, half of the output, a failure, or a slow stream. */
    private static MockResponse answer(String requestBody) {
        if (requestBody.contains("kind full")) {
            return MockResponse.json(200, OpenAiFixtures.chatCompletion("gpt-4o-mini", "ok", new Usage(promptOk, MAX_TOKENS, 0, 0, false)));
        }
        if (requestBody.contains("kind fail")) {
            return OpenAiFixtures.error(500, "server_error", null, "The server had an error while processing your request.");
        }
        if (requestBody.contains("kind stream")) {
            return MockResponse.sse(OpenAiFixtures.chunks("gpt-4o-mini", List.of("one", " two", " three", " four"),
                    new Usage(promptOk, 4, 0, 0, false))).withEventGap(Duration.ofMillis(150));
        }
        return MockResponse.json(200, OpenAiFixtures.chatCompletion("gpt-4o-mini", "ok", new Usage(promptOk, MAX_TOKENS / 2, 0, 0, false)));
    }

    private static List<UsageEvent> events(String agent) {
        gateway.gateway().ledger().flush();
        return gateway.gateway().ledger().recent(UsageFilter.ALL.withAgent(agent), 10_000);
    }

    @Test
    void twoHundredConcurrentCalls_letThroughExactlyAsManyAsFit_andTheCounterEndsAtTheirUsage() throws Exception {
        upstream.fallback(r -> answer("kind full"));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        Map<Integer, Integer> byStatus = new ConcurrentHashMap<>();
        for (HttpResponse<String> r : BudgetGateway.burst(CALLS,
                () -> http.send(request("burst", body("kind ok", false)), HttpResponse.BodyHandlers.ofString()))) {
            byStatus.merge(r.statusCode(), 1, Integer::sum);
            if (r.statusCode() == 429) {
                assertThat(BudgetGateway.json(r).path("error").path("code").asString()).isEqualTo("budget_exceeded");
            }
        }

        assertThat(byStatus).containsExactlyInAnyOrderEntriesOf(Map.of(200, FIT, 429, CALLS - FIT));
        assertThat(upstream.requestCount()).isEqualTo(FIT);
        assertThat(gateway.used("burst", null)).isEqualTo(FIT * reserve).isLessThanOrEqualTo(limit);
        assertThat(events("burst")).hasSize(CALLS);
        assertThat(events("burst").stream().mapToLong(e -> e.usage().totalTokens()).sum()).isEqualTo(FIT * reserve);
    }

    @Test
    void failuresAndDisconnects_amongConcurrentCalls_leaveNoReservationBehind() throws Exception {
        upstream.fallback(r -> answer(r.bodyText()));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        CountDownLatch go = new CountDownLatch(1);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong highest = new AtomicLong();
        List<Future<Integer>> calls = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> sampler = pool.submit(() -> {
                while (running.get()) {
                    highest.accumulateAndGet(gateway.used("mixed", null), Math::max);
                }
                return null;
            });
            for (int i = 0; i < CALLS; i++) {
                String kind = switch (i % 4) {
                    case 0 -> "fail";
                    case 1 -> "stream";
                    default -> "ok";
                };
                calls.add(pool.submit(() -> {
                    go.await();
                    return call(http, kind);
                }));
            }
            go.countDown();
            for (Future<Integer> f : calls) {
                f.get();
            }
            // Every call ends with exactly one usage event, disconnected streams included (noticed on the next write).
            await().atMost(Duration.ofSeconds(20)).until(() -> events("mixed").size() == CALLS);
            running.set(false);
            sampler.get();
        }

        long settled = events("mixed").stream().mapToLong(e -> e.usage().totalTokens()).sum();
        assertThat(gateway.used("mixed", null)).as("the counter holds exactly the settled usage").isEqualTo(settled);
        assertThat(highest.get()).as("never past the limit, reservations included").isPositive().isLessThanOrEqualTo(limit);
        assertThat(events("mixed")).anySatisfy(e -> assertThat(e.errorCode()).isEqualTo("client_closed_request"));
        assertThat(events("mixed")).anySatisfy(e -> assertThat(e.status()).isEqualTo(502));
        assertThat(events("mixed")).anySatisfy(e -> assertThat(e.errorCode()).isEqualTo("budget_exceeded"));
    }

    private static HttpRequest request(String agent, String body) {
        return HttpRequest.newBuilder(URI.create(gateway.gateway().baseUrl() + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(30)).header("x-tollgate-agent", agent)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    /** One call of the mixed run; a stream is read to its first event and then dropped by the client. */
    private static int call(HttpClient http, String kind) throws Exception {
        if (!kind.equals("stream")) {
            return http.send(request("mixed", body("kind " + kind, false)), HttpResponse.BodyHandlers.discarding()).statusCode();
        }
        HttpResponse<InputStream> r = http.send(request("mixed", body("kind stream", true)), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
            if (r.statusCode() == 200) {
                in.readNBytes(16);
            }
        }
        return r.statusCode();
    }
}
