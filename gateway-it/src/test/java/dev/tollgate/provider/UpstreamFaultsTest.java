package dev.tollgate.provider;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.model.Usage;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.testing.GatewayExtension;
import dev.tollgate.testing.MockResponse;
import dev.tollgate.testing.MockUpstream;
import dev.tollgate.testing.OpenAiFixtures;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The fault matrix of an OpenAI-compatible upstream: each failure maps to the right status and error,
 * falls back only while nothing reached the client, and leaves the accounting exact.
 */
class UpstreamFaultsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @RegisterExtension
    @Order(1)
    static final MockUpstream upstream = new MockUpstream();

    @RegisterExtension
    @Order(2)
    // One scripted failure each: no retries, no breakers (RetriesTest and CircuitBreakerTest cover those).
    static final GatewayExtension gateway = GatewayExtension.yaml("""
            providers:
              - name: primary
                kind: openai_compatible
                base_url: ${UPSTREAM}
                api_key: sk-primary-secret-0123456789
                models: [gpt-4o-mini, only-primary]
                timeouts: {connect_ms: 1000, first_byte_ms: 1500, idle_ms: 1000}
                retries: {max: 0}
                circuit_breaker: {enabled: false}
              - name: secondary
                kind: openai_compatible
                base_url: ${UPSTREAM}
                models: [gpt-4o-mini]
                retries: {max: 0}
                circuit_breaker: {enabled: false}
              - name: dead
                kind: openai_compatible
                base_url: http://127.0.0.1:1/v1
                models: [dead-model]
                timeouts: {connect_ms: 1000}
                retries: {max: 0}
                circuit_breaker: {enabled: false}
            """).env("UPSTREAM", () -> upstream.baseUrl().toString());

    @Test
    void upstream429_staysA429_withItsRetryAfter() {
        upstream.enqueue(OpenAiFixtures.error(429, "requests", "rate_limit_exceeded", "Rate limit reached").withHeader("Retry-After", "12"));

        HttpResponse<String> response = chat("only-primary", false, "r429");

        assertError(response, 429, "rate_limit_exceeded");
        assertThat(response.headers().firstValue("retry-after")).contains("12");
        assertThat(gateway.event("r429").status()).isEqualTo(429);
    }

    @Test
    void upstream500_isA502() {
        upstream.enqueue(OpenAiFixtures.error(500, "server_error", null, "The server had an error"));

        assertError(chat("only-primary", false, "r500"), 502, "upstream_error");
    }

    @Test
    void upstream503_isA503() {
        upstream.enqueue(OpenAiFixtures.error(503, "server_error", null, "The engine is currently overloaded"));

        assertError(chat("only-primary", false, "r503"), 503, "upstream_error");
    }

    @Test
    void upstream400_keepsItsStatusAndCode_andIsNotRetried() {
        upstream.enqueue(OpenAiFixtures.error(400, "invalid_request_error", "context_length_exceeded", "This model's maximum context length is 128000 tokens"));

        HttpResponse<String> response = chat("gpt-4o-mini", false, "r400");

        assertError(response, 400, "context_length_exceeded");
        assertThat(upstream.requestCount()).isEqualTo(1);
    }

    @Test
    void upstreamRejectingTheGatewaysKey_isA502_thatNeverShowsTheKey() {
        upstream.enqueue(OpenAiFixtures.error(401, "invalid_request_error", "invalid_api_key",
                "Incorrect API key provided: sk-primary-secret-0123456789"));

        HttpResponse<String> response = chat("only-primary", false, "r401");

        assertError(response, 502, "upstream_auth_failed");
        assertThat(response.body()).doesNotContain("sk-primary-secret-0123456789");
    }

    @Test
    void connectionRefused_isA502() {
        assertError(chat("dead-model", false, "refused"), 502, "upstream_unreachable");
        assertThat(gateway.event("refused").provider()).isEqualTo("dead");
    }

    @Test
    void noHeadersWithinFirstByteTimeout_isA504() {
        upstream.enqueue(MockResponse.json(200, OpenAiFixtures.chatCompletion("only-primary", "late", OpenAiFixtures.DEFAULT_USAGE))
                .withHeadersDelay(Duration.ofMillis(3_000)));

        assertError(chat("only-primary", false, "slow"), 504, "upstream_timeout");
    }

    @Test
    void malformedJson_isA502() {
        upstream.enqueue(MockResponse.json(200, "{\"id\":\"chatcmpl-1\",\"choices\":[{\"message\":"));

        assertError(chat("only-primary", false, "malformed"), 502, "upstream_protocol_error");
    }

    @Test
    void failedPrimary_fallsBackToSecondary_beforeAnyByteReachedTheClient() {
        upstream.enqueue(OpenAiFixtures.error(503, "server_error", null, "overloaded"));
        upstream.enqueue(MockResponse.json(200, OpenAiFixtures.chatCompletion("gpt-4o-mini", "from secondary", new Usage(7, 3, 0, 0, false))));

        HttpResponse<String> response = chat("gpt-4o-mini", false, "fallback");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("from secondary");
        assertThat(response.headers().firstValue("x-tollgate-provider")).contains("secondary");
        assertThat(response.headers().firstValue("x-tollgate-routing-reason")).hasValueSatisfying(r -> assertThat(r).contains("fallback"));
        UsageEvent event = gateway.event("fallback");
        assertThat(event.attempts()).isEqualTo(2);
        assertThat(event.provider()).isEqualTo("secondary");
        assertThat(event.usage()).isEqualTo(new Usage(7, 3, 0, 0, false));
    }

    @Test
    void streamFailingBeforeItsFirstChunk_fallsBack() {
        upstream.enqueue(MockResponse.sse(OpenAiFixtures.chunks("gpt-4o-mini", List.of("never"), null)).withFault(MockResponse.Fault.RESET, 0));
        upstream.enqueue(MockResponse.sse(OpenAiFixtures.chunks("gpt-4o-mini", List.of("from", " secondary"), new Usage(6, 2, 0, 0, false))));

        HttpResponse<String> response = chat("gpt-4o-mini", true, "stream-fallback");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"from\"").contains("data: [DONE]");
        assertThat(gateway.event("stream-fallback").provider()).isEqualTo("secondary");
        assertThat(gateway.event("stream-fallback").usage()).isEqualTo(new Usage(6, 2, 0, 0, false));
    }

    @ParameterizedTest
    @EnumSource(value = MockResponse.Fault.class, names = {"STALL", "RESET", "TRUNCATE"})
    void streamBrokenMidway_endsWithAnErrorEvent_andIsBilledForWhatWasDelivered(MockResponse.Fault fault) {
        List<String> events = OpenAiFixtures.chunks("only-primary", List.of("Partial answer", " that stops", " here"), new Usage(20, 9, 0, 0, false));
        upstream.enqueue(MockResponse.sse(events).withFault(fault, 3));
        String id = "broken-" + fault;

        HttpResponse<String> response = chat("only-primary", true, id);

        assertThat(response.statusCode()).isEqualTo(200);
        List<String> data = response.body().lines().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).toList();
        assertThat(data).hasSize(4);
        assertThat(data.get(1)).contains("Partial answer");
        JsonNode error = JSON.readTree(data.getLast()).path("error");
        assertThat(error.path("code").asString()).isEqualTo("upstream_stream_failed");
        assertThat(data).doesNotContain("[DONE]");
        UsageEvent event = gateway.event(id);
        assertThat(event.errorCode()).isEqualTo("upstream_stream_failed");
        assertThat(event.usage().estimated()).isTrue();
        assertThat(event.usage().outputTokens()).isPositive();
        assertThat(event.usage().inputTokens()).isPositive();
        assertThat(event.attempts()).isEqualTo(1);
    }

    @Test
    void gatewayRecovers_afterFaults_withoutRestart() {
        upstream.enqueue(OpenAiFixtures.error(500, "server_error", null, "boom"));
        assertThat(chat("only-primary", false, "before-recovery").statusCode()).isEqualTo(502);

        HttpResponse<String> after = chat("only-primary", false, "after-recovery");

        assertThat(after.statusCode()).isEqualTo(200);
    }

    private static HttpResponse<String> chat(String model, boolean stream, String requestId) {
        return gateway.post("/v1/chat/completions",
                "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"Tell me something\"}]}",
                "X-Tollgate-Request-Id", requestId);
    }

    private static void assertError(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode error = JSON.readTree(response.body()).path("error");
        assertThat(error.path("code").asString()).isEqualTo(code);
        assertThat(error.path("message").asString()).isNotBlank();
    }
}
