package dev.tollgate.policy.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.GatewayExtension;
import dev.tollgate.testing.MockUpstream;
import dev.tollgate.testing.OpenAiFixtures;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Many threads calling a failing deployment beside a healthy one: every call is answered, the healthy one serves each
 * exactly once, and the failing one receives at most what the breaker had let through when it opened (its minimum
 * calls, plus one call per other thread already in flight), never more while it is open.
 */
class CircuitBreakerConcurrencyTest {

    private static final int THREADS = 16;
    private static final int CALLS_EACH = 10;
    private static final int MINIMUM_CALLS = 10;

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
                models: [gpt-4o-mini]
                retries: {max: 0}
                circuit_breaker: {failure_rate_threshold: 50, minimum_calls: 10, window: 10, cooldown_ms: 600000}
              - name: healthy
                kind: openai_compatible
                base_url: ${HEALTHY}
                models: [gpt-4o-mini]
            """).env("SICK", () -> sick.baseUrl().toString()).env("HEALTHY", () -> healthy.baseUrl().toString());

    @Test
    void parallelCallsAtAFailingDeployment_allAnswered_andTheBreakerCapsWhatReachesIt() throws Exception {
        sick.fallback(r -> OpenAiFixtures.error(500, "server_error", null, "boom"));
        List<Future<Integer>> statuses = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(THREADS)) {
            for (int t = 0; t < THREADS; t++) {
                statuses.add(pool.submit(() -> {
                    int ok = 0;
                    for (int i = 0; i < CALLS_EACH; i++) {
                        HttpResponse<String> r = gateway.post("/v1/chat/completions",
                                "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
                        ok += r.statusCode() == 200 ? 1 : 0;
                    }
                    return ok;
                }));
            }
            int answered = 0;
            for (Future<Integer> f : statuses) {
                answered += f.get();
            }
            assertThat(answered).isEqualTo(THREADS * CALLS_EACH);
        }

        assertThat(healthy.requestCount()).isEqualTo(THREADS * CALLS_EACH);
        assertThat(sick.requestCount()).isBetween(MINIMUM_CALLS, MINIMUM_CALLS + THREADS - 1);
        assertThat(gateway.get("/api/token-usage/provider-status").body()).contains("\"state\":\"open\"");
    }
}
