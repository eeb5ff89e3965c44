package dev.tollgate.policy.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.GatewayExtension;
import dev.tollgate.testing.MockUpstream;
import dev.tollgate.testing.OpenAiFixtures;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A deployment's circuit breaker against mock upstreams: after its failures it opens and the next calls skip it without
 * reaching it (the healthy deployment serves them), provider-status and /metrics show it open, and after the cooldown a
 * half-open probe that succeeds closes it. A deployment with nothing to fall back to answers 503 circuit_open.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CircuitBreakerTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @RegisterExtension
    @Order(1)
    static final MockUpstream sick = new MockUpstream();

    @RegisterExtension
    @Order(1)
    static final MockUpstream healthy = new MockUpstream();

    @RegisterExtension
    @Order(2)
    static final GatewayExtension gateway = GatewayExtension.yaml("""
            providers:
              - name: sick
                kind: openai_compatible
                base_url: ${SICK}
                models: [gpt-4o-mini, only-sick]
                retries: {max: 0}
                circuit_breaker: {failure_rate_threshold: 50, minimum_calls: 4, window: 4, cooldown_ms: 700, half_open_calls: 1}
              - name: healthy
                kind: openai_compatible
                base_url: ${HEALTHY}
                models: [gpt-4o-mini]
            """).env("SICK", () -> sick.baseUrl().toString()).env("HEALTHY", () -> healthy.baseUrl().toString());

    @Test
    @Order(1)
    void afterItsFailures_theCircuitOpens_andTheNextCallsSkipTheDeployment_untilAProbeClosesIt() {
        sick.fallback(r -> OpenAiFixtures.error(500, "server_error", null, "boom"));
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> r = chat("gpt-4o-mini", "failing-" + i);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.headers().firstValue("x-tollgate-provider")).contains("healthy");
        }
        assertThat(sick.requestCount()).isEqualTo(4);
        assertThat(circuit("sick", "gpt-4o-mini").path("state").asString()).isEqualTo("open");
        assertThat(gateway.get("/metrics").body())
                .containsPattern("tollgate_circuit_state\\{[^}]*gen_ai_provider_name=\"sick\"[^}]*state=\"open\"[^}]*} 1\\.0");

        for (int i = 0; i < 5; i++) {
            HttpResponse<String> r = chat("gpt-4o-mini", "skipped-" + i);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("x-tollgate-routing-reason"))
                    .hasValueSatisfying(reason -> assertThat(reason).startsWith("circuit open: sick").endsWith("tried healthy"));
            assertThat(gateway.event("skipped-" + i).attempts()).isEqualTo(1);
        }
        assertThat(sick.requestCount()).as("an open deployment receives nothing").isEqualTo(4);

        sick.fallback(OpenAiFixtures::answer);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String servedBy = "healthy";
        for (int i = 0; !servedBy.equals("sick") && System.nanoTime() < deadline; i++) {
            servedBy = chat("gpt-4o-mini", "probe-" + i).headers().firstValue("x-tollgate-provider").orElseThrow();
        }
        assertThat(servedBy).as("a half-open probe reaches the recovered deployment after the cooldown").isEqualTo("sick");
        assertThat(sick.requestCount()).isEqualTo(5);
        assertThat(circuit("sick", "gpt-4o-mini").path("state").asString()).isEqualTo("closed");
        assertThat(chat("gpt-4o-mini", "closed-again").headers().firstValue("x-tollgate-provider")).contains("sick");
    }

    @Test
    @Order(2)
    void anOpenDeploymentWithNothingToFallBackTo_answers503CircuitOpen_withRetryAfter_withoutCallingIt() {
        sick.fallback(r -> OpenAiFixtures.error(503, "server_error", null, "overloaded"));
        for (int i = 0; i < 4; i++) {
            assertThat(chat("only-sick", "alone-" + i).statusCode()).isEqualTo(503);
        }
        int before = sick.requestCount();

        HttpResponse<String> r = chat("only-sick", "alone-open");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
        JsonNode error = JSON.readTree(r.body()).path("error");
        assertThat(error.path("code").asString()).isEqualTo("circuit_open");
        assertThat(error.path("message").asString()).contains("sick");
        assertThat(r.headers().firstValue("retry-after")).hasValue("1");
        assertThat(sick.requestCount()).isEqualTo(before);
        assertThat(gateway.event("alone-open").attempts()).isZero();
        // A separate deployment (another model of the same provider) has its own breaker.
        assertThat(circuit("sick", "only-sick").path("state").asString()).isEqualTo("open");
        assertThat(circuit("sick", "gpt-4o-mini").path("state").asString()).isEqualTo("closed");
    }

    /** The deployment's entry in provider-status's {@code circuits}. */
    private static JsonNode circuit(String provider, String model) {
        HttpResponse<String> status = gateway.get("/api/token-usage/provider-status");
        assertThat(status.statusCode()).as(status.body()).isEqualTo(200);
        for (JsonNode c : JSON.readTree(status.body()).path("circuits")) {
            if (c.path("provider").asString().equals(provider) && c.path("model").asString().equals(model)) {
                return c;
            }
        }
        throw new AssertionError("no circuit for " + provider + "/" + model + " in " + status.body());
    }

    private static HttpResponse<String> chat(String model, String requestId) {
        return gateway.post("/v1/chat/completions",
                "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Tell me something\"}]}",
                "X-Tollgate-Request-Id", requestId);
    }
}
