package dev.tollgate.policy.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.model.Usage;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.testing.GatewayExtension;
import dev.tollgate.testing.MockResponse;
import dev.tollgate.testing.MockUpstream;
import dev.tollgate.testing.OpenAiFixtures;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Many identical calls at once: the first leads, the others wait for its answer and replay it, so the upstream sees
 * exactly one call, and every caller gets the same complete answer, whole or streamed as it asked. A leader that
 * fails releases its followers, who then call on their own: every call still ends with a complete answer or the
 * upstream's error, never a corrupt entry, and the count of upstream calls is exactly the misses plus the failure.
 */
class CacheSingleFlightTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int CALLERS = 32;

    @RegisterExtension
    @Order(1)
    static final MockUpstream upstream = new MockUpstream();

    @RegisterExtension
    @Order(2)
    static final GatewayExtension gateway = GatewayExtension.yaml("""
            providers:
              - {name: openai, kind: openai, base_url: "${UPSTREAM}", api_key: sk-up, retries: {max: 0}, circuit_breaker: {enabled: false}}
            cache:
              exact: {enabled: true}
            """).env("UPSTREAM", () -> upstream.baseUrl().toString());

    @BeforeEach
    void reset() {
        upstream.reset();
    }

    private static String body(String prompt, boolean stream) {
        return "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]"
                + (stream ? ",\"stream\":true,\"stream_options\":{\"include_usage\":true}" : "") + "}";
    }

    /** {@code CALLERS} calls released at once; odd ones streamed. */
    private static List<HttpResponse<String>> together(String prompt) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<HttpResponse<String>>> calls = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < CALLERS; i++) {
                boolean stream = i % 2 == 1;
                String requestId = "sf-" + i + "-" + UUID.randomUUID();
                calls.add(pool.submit(() -> {
                    start.await();
                    return gateway.post("/v1/chat/completions", body(prompt, stream), "X-Tollgate-Request-Id", requestId);
                }));
            }
            start.countDown();
            List<HttpResponse<String>> out = new ArrayList<>();
            for (Future<HttpResponse<String>> f : calls) {
                out.add(f.get());
            }
            return out;
        }
    }

    /** The answer's text, from a whole body or by adding up a stream's deltas (which must end with [DONE]). */
    private static String text(HttpResponse<String> r) {
        if (!r.headers().firstValue("content-type").orElse("").startsWith("text/event-stream")) {
            return JSON.readTree(r.body()).path("choices").path(0).path("message").path("content").asString();
        }
        assertThat(r.body()).endsWith("data: [DONE]\n\n");
        StringBuilder text = new StringBuilder();
        for (String line : r.body().split("\n")) {
            if (line.startsWith("data: {")) {
                JsonNode chunk = JSON.readTree(line.substring(6));
                chunk.path("choices").forEach(c -> text.append(c.path("delta").path("content").asString("")));
            }
        }
        return text.toString();
    }

    @Test
    void identicalConcurrentMisses_makeExactlyOneUpstreamCall_andEveryoneGetsItsAnswer() throws Exception {
        String prompt = "Explain single flight " + UUID.randomUUID();
        // Whichever caller leads, plain or streamed, the upstream answers it in that form, as OpenAI does; slow enough
        // that the callers arrive while the first is still waiting for it (the count holds either way).
        Usage usage = new Usage(12, 5, 0, 0, false);
        upstream.fallback(request -> (request.bodyText().contains("\"stream\":true")
                ? MockResponse.sse(OpenAiFixtures.chunks("gpt-4o-mini", List.of("One answer", " for all."), usage))
                : MockResponse.json(200, OpenAiFixtures.chatCompletion("gpt-4o-mini", "One answer for all.", usage)))
                .withHeadersDelay(Duration.ofMillis(300)));

        List<HttpResponse<String>> responses = together(prompt);

        assertThat(upstream.requestCount()).isEqualTo(1);
        assertThat(responses).extracting(HttpResponse::statusCode).containsOnly(200);
        assertThat(responses).extracting(CacheSingleFlightTest::text).containsOnly("One answer for all.");
        assertThat(responses).extracting(r -> r.headers().firstValue("x-tollgate-cache").orElseThrow())
                .filteredOn("miss"::equals).hasSize(1);
        List<UsageEvent> events = gateway.events().stream().filter(e -> e.requestId().startsWith("sf-")).toList();
        assertThat(events).hasSize(CALLERS);
        assertThat(events).filteredOn(e -> e.cacheTier().equals("exact")).hasSize(CALLERS - 1)
                .allSatisfy(e -> assertThat(e.usage()).isEqualTo(Usage.NONE));
    }

    @Test
    void aLeaderThatFails_releasesItsFollowers_whoCallOnTheirOwn_andNothingCorruptIsStored() throws Exception {
        String prompt = "A failing leader " + UUID.randomUUID();
        upstream.enqueue(OpenAiFixtures.error(503, "server_error", "overloaded", "The server is overloaded").withHeadersDelay(Duration.ofMillis(200)));

        List<HttpResponse<String>> responses = together(prompt);

        long failed = responses.stream().filter(r -> r.statusCode() != 200).count();
        long misses = responses.stream().filter(r -> r.statusCode() == 200 && "miss".equals(r.headers().firstValue("x-tollgate-cache").orElse(""))).count();
        assertThat(failed).isEqualTo(1);
        assertThat(upstream.requestCount()).isEqualTo(misses + failed);
        assertThat(responses).filteredOn(r -> r.statusCode() == 200).extracting(CacheSingleFlightTest::text)
                .containsOnly(OpenAiFixtures.DEFAULT_ANSWER);
        HttpResponse<String> later = gateway.post("/v1/chat/completions", body(prompt, false));
        assertThat(later.headers().firstValue("x-tollgate-cache")).contains("exact");
        assertThat(text(later)).isEqualTo(OpenAiFixtures.DEFAULT_ANSWER);
    }
}
