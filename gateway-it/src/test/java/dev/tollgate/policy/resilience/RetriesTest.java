package dev.tollgate.policy.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.model.Usage;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.testing.AnthropicFixtures;
import dev.tollgate.testing.GatewayExtension;
import dev.tollgate.testing.MockResponse;
import dev.tollgate.testing.MockUpstream;
import dev.tollgate.testing.OpenAiFixtures;
import dev.tollgate.testing.RecordedRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Retries of the same deployment against mock upstreams speaking OpenAI's wire format: how many calls each upstream
 * receives, the waits between them (from the mock's arrival times, with tolerances), Retry-After in seconds and as a
 * date and its cap, no retry once a stream's first byte is out, and exact accounting of the attempt that answered.
 */
class RetriesTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final long MS = 1_000_000;

    @RegisterExtension
    @Order(1)
    static final MockUpstream flaky = new MockUpstream();

    @RegisterExtension
    @Order(1)
    static final MockUpstream spare = new MockUpstream();

    @RegisterExtension
    @Order(1)
    static final MockUpstream claude = new MockUpstream();

    @RegisterExtension
    @Order(2)
    static final GatewayExtension gateway = GatewayExtension.yaml("""
            providers:
              - name: flaky
                kind: openai_compatible
                base_url: ${FLAKY}
                models: [gpt-4o-mini, only-flaky]
                retries: {max: 2, initial_backoff_ms: 100, max_backoff_ms: 200, max_retry_after_ms: 2500}
                circuit_breaker: {enabled: false}
                limits: {tpm: 1000000}
              - name: spare
                kind: openai_compatible
                base_url: ${SPARE}
                models: [gpt-4o-mini]
                circuit_breaker: {enabled: false}
              - name: claude
                kind: anthropic
                base_url: ${CLAUDE}
                api_key: sk-ant-upstream
                models: [claude-haiku-4-5]
                retries: {initial_backoff_ms: 100, max_backoff_ms: 200}
                circuit_breaker: {enabled: false}
              - name: dead
                kind: openai_compatible
                base_url: http://127.0.0.1:1/v1
                models: [dead-model]
                timeouts: {connect_ms: 500}
                retries: {initial_backoff_ms: 10, max_backoff_ms: 20}
            budgets:
              - {name: spend, metric: tokens, limit: 100000000, period: month}
            """).env("FLAKY", () -> flaky.baseUrl().toString()).env("SPARE", () -> spare.baseUrl().toString())
            .env("CLAUDE", () -> "http://127.0.0.1:" + claude.port());

    @Test
    void twoFailures_thenAnAnswer_fromTheSameDeployment_billedOnceForTheAnswer() {
        flaky.enqueue(OpenAiFixtures.error(503, "server_error", null, "overloaded"));
        flaky.enqueue(OpenAiFixtures.error(500, "server_error", null, "boom"));
        flaky.enqueue(MockResponse.json(200, OpenAiFixtures.chatCompletion("gpt-4o-mini", "third time lucky", new Usage(11, 4, 0, 0, false))));

        HttpResponse<String> response = chat("gpt-4o-mini", false, "retried-ok");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).contains("third time lucky");
        assertThat(response.headers().firstValue("x-tollgate-provider")).contains("flaky");
        assertThat(flaky.requestCount()).isEqualTo(3);
        assertThat(spare.requestCount()).isZero();
        List<RecordedRequest> calls = flaky.received();
        // Backoff: retry 1 waits 50-100 ms, retry 2 waits 100-200 ms (half to all of the doubled backoff).
        assertThat(gapMs(calls, 0, 1)).isBetween(45L, 1_000L);
        assertThat(gapMs(calls, 1, 2)).isBetween(95L, 1_000L);
        UsageEvent event = gateway.event("retried-ok");
        assertThat(event.attempts()).isEqualTo(3);
        assertThat(event.provider()).isEqualTo("flaky");
        assertThat(event.usage()).isEqualTo(new Usage(11, 4, 0, 0, false));
        assertThat(event.status()).isEqualTo(200);
    }

    @Test
    void retriesUsedUp_fallBackToTheNextDeployment_andTheReasonSaysSo() {
        for (int i = 0; i < 3; i++) {
            flaky.enqueue(OpenAiFixtures.error(502, "server_error", null, "bad gateway"));
        }

        HttpResponse<String> response = chat("gpt-4o-mini", false, "retried-fallback");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-tollgate-provider")).contains("spare");
        assertThat(flaky.requestCount()).isEqualTo(3);
        assertThat(spare.requestCount()).isEqualTo(1);
        assertThat(response.headers().firstValue("x-tollgate-routing-reason"))
                .hasValueSatisfying(r -> assertThat(r).contains("fallback: flaky failed (status 502, 2 retries)").endsWith("tried spare"));
        UsageEvent event = gateway.event("retried-fallback");
        assertThat(event.attempts()).isEqualTo(4);
        assertThat(event.usage()).isEqualTo(OpenAiFixtures.DEFAULT_USAGE);
    }

    @Test
    void retryAfterInSeconds_isWaited() {
        flaky.enqueue(OpenAiFixtures.error(429, "requests", "rate_limit_exceeded", "slow down").withHeader("Retry-After", "1"));

        HttpResponse<String> response = chat("only-flaky", false, "retry-after-seconds");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(flaky.requestCount()).isEqualTo(2);
        assertThat(gapMs(flaky.received(), 0, 1)).isBetween(950L, 2_500L);
    }

    @Test
    void anthropicOverloaded_withItsRetryAfter_isRetried_onTheMessagesRoute() {
        claude.fallback(AnthropicFixtures::answer);
        claude.enqueue(AnthropicFixtures.error(529, "overloaded_error", "Overloaded").withHeader("retry-after", "1"));

        HttpResponse<String> response = gateway.post("/v1/messages",
                "{\"model\":\"claude-haiku-4-5\",\"max_tokens\":64,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}",
                "anthropic-version", "2023-06-01", "X-Tollgate-Request-Id", "anthropic-retry");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(json(response.body()).path("type").asString()).isEqualTo("message");
        assertThat(claude.requestCount()).isEqualTo(2);
        assertThat(gapMs(claude.received(), 0, 1)).isBetween(950L, 2_500L);
        UsageEvent event = gateway.event("anthropic-retry");
        assertThat(event.attempts()).isEqualTo(2);
        assertThat(event.usage()).isEqualTo(AnthropicFixtures.DEFAULT_TOKENS.usage());
    }

    @Test
    void retryAfterAsAnHttpDate_isWaitedUntilThen() {
        // Whole seconds on the wire: two seconds ahead leaves between one and two seconds to wait.
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(Instant.now().plusSeconds(2).atOffset(ZoneOffset.UTC));
        flaky.enqueue(OpenAiFixtures.error(503, "server_error", null, "maintenance").withHeader("Retry-After", date));

        HttpResponse<String> response = chat("only-flaky", false, "retry-after-date");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(flaky.requestCount()).isEqualTo(2);
        assertThat(gapMs(flaky.received(), 0, 1)).isBetween(900L, 3_000L);
    }

    @Test
    void retryAfterLongerThanTheCap_fallsBackAtOnce_insteadOfWaiting() {
        flaky.enqueue(OpenAiFixtures.error(429, "requests", "rate_limit_exceeded", "come back later").withHeader("Retry-After", "30"));
        long start = System.nanoTime();

        HttpResponse<String> response = chat("gpt-4o-mini", false, "retry-after-long");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-tollgate-provider")).contains("spare");
        assertThat(flaky.requestCount()).isEqualTo(1);
        assertThat(spare.requestCount()).isEqualTo(1);
        assertThat((System.nanoTime() - start) / MS).isLessThan(2_500L);
        assertThat(response.headers().firstValue("x-tollgate-routing-reason"))
                .hasValueSatisfying(r -> assertThat(r).contains("not retried: Retry-After 30 s > 2500 ms"));
    }

    @Test
    void retryAfterLongerThanTheCap_withNothingElse_isTheUpstreams429() {
        flaky.enqueue(OpenAiFixtures.error(429, "requests", "rate_limit_exceeded", "come back later").withHeader("Retry-After", "30"));

        HttpResponse<String> response = chat("only-flaky", false, "retry-after-alone");

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("retry-after")).contains("30");
        assertThat(flaky.requestCount()).isEqualTo(1);
    }

    @Test
    void aClientError_isNeverRetried() {
        flaky.enqueue(OpenAiFixtures.error(400, "invalid_request_error", "invalid_value", "temperature must be at most 2"));

        HttpResponse<String> response = chat("only-flaky", false, "no-retry-400");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(flaky.requestCount()).isEqualTo(1);
        assertThat(gateway.event("no-retry-400").attempts()).isEqualTo(1);
    }

    @Test
    void aStreamBrokenAfterItsFirstByte_isNotRetried() {
        List<String> events = OpenAiFixtures.chunks("only-flaky", List.of("Partial", " answer", " cut"), new Usage(20, 9, 0, 0, false));
        flaky.enqueue(MockResponse.sse(events).withFault(MockResponse.Fault.RESET, 2));

        HttpResponse<String> response = chat("only-flaky", true, "no-retry-stream");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("Partial").contains("upstream_stream_failed").doesNotContain("[DONE]");
        assertThat(flaky.requestCount()).isEqualTo(1);
        assertThat(gateway.event("no-retry-stream").attempts()).isEqualTo(1);
    }

    @Test
    void aStreamFailingBeforeItsFirstChunk_isRetried() {
        flaky.enqueue(OpenAiFixtures.error(503, "server_error", null, "overloaded"));

        HttpResponse<String> response = chat("only-flaky", true, "retry-stream-start");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("data: [DONE]");
        assertThat(flaky.requestCount()).isEqualTo(2);
        assertThat(gateway.event("retry-stream-start").attempts()).isEqualTo(2);
    }

    @Test
    void connectionRefused_isRetriedTwice_thenAnswered502() {
        HttpResponse<String> response = chat("dead-model", false, "retry-connect");

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(JSON.readTree(response.body()).path("error").path("code").asString()).isEqualTo("upstream_unreachable");
        assertThat(gateway.event("retry-connect").attempts()).isEqualTo(3);
    }

    @Test
    void retriedAttempts_releaseTheirReservations_soCountersMatchWhatWasBilled() {
        flaky.enqueue(OpenAiFixtures.error(500, "server_error", null, "boom"));
        flaky.enqueue(MockResponse.json(200, OpenAiFixtures.chatCompletion("only-flaky", "ok", new Usage(30, 12, 0, 0, false))));
        long minute = System.currentTimeMillis() / 60_000;
        long before = tokensUsed();

        HttpResponse<String> response = chat("only-flaky", false, "retry-accounting");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(gateway.event("retry-accounting").usage().totalTokens()).isEqualTo(42);
        long after = tokensUsed();
        org.junit.jupiter.api.Assumptions.assumeTrue(System.currentTimeMillis() / 60_000 == minute, "the minute window rolled over mid-test");
        // The deployment's tokens-per-minute window counts the answered attempt's 42 tokens once, not a claim per attempt.
        assertThat(after - before).isEqualTo(42);
    }

    /** Tokens the flaky deployment's tokens-per-minute window holds, from its headroom gauge on /metrics. */
    private static long tokensUsed() {
        String metrics = gateway.get("/metrics").body();
        for (String line : metrics.lines().toList()) {
            if (line.startsWith("tollgate_ratelimit_headroom") && line.contains("=\"flaky\"") && line.contains("window=\"tpm\"")) {
                return 1_000_000 - (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no tpm headroom for flaky in /metrics:\n" + metrics);
    }

    private static long gapMs(List<RecordedRequest> calls, int from, int to) {
        return (calls.get(to).receivedAtNanos() - calls.get(from).receivedAtNanos()) / MS;
    }

    private static HttpResponse<String> chat(String model, boolean stream, String requestId) {
        return gateway.post("/v1/chat/completions",
                "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"Tell me something\"}]}",
                "X-Tollgate-Request-Id", requestId);
    }

    static JsonNode json(String body) {
        return JSON.readTree(body);
    }
}
