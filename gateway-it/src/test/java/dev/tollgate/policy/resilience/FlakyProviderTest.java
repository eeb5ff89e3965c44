package dev.tollgate.policy.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.model.UsageEvent;
import dev.tollgate.testing.GatewayExtension;
import dev.tollgate.testing.MockUpstream;
import dev.tollgate.testing.OpenAiFixtures;
import java.net.http.HttpResponse;
import java.util.Random;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 13's check: a provider failing 30% of its calls (seeded) beside a healthy one. With retries and fallback every
 * call is answered and each is billed once, with the answer's usage, and the budget counter holds exactly that.
 */
class FlakyProviderTest {

    private static final int CALLS = 200;

    @RegisterExtension
    @Order(1)
    static final MockUpstream flaky = new MockUpstream();

    @RegisterExtension
    @Order(1)
    static final MockUpstream healthy = new MockUpstream();

    @RegisterExtension
    @Order(2)
    static final GatewayExtension gateway = GatewayExtension.yaml("""
            providers:
              - name: flaky
                kind: openai_compatible
                base_url: ${FLAKY}
                models: [gpt-4o-mini]
                retries: {initial_backoff_ms: 1, max_backoff_ms: 5}
                circuit_breaker: {minimum_calls: 50, window: 100, failure_rate_threshold: 60}
              - {name: healthy, kind: openai_compatible, base_url: "${HEALTHY}", models: [gpt-4o-mini]}
            budgets:
              - {name: all-tokens, metric: tokens, period: month, limit: 1000000}
            """).env("FLAKY", () -> flaky.baseUrl().toString()).env("HEALTHY", () -> healthy.baseUrl().toString());

    @Test
    void thirtyPercentFailures_everyCallAnswered_andBilledOnce() {
        Random random = new Random(13);
        flaky.fallback(r -> {
            synchronized (random) {
                if (random.nextDouble() < 0.3) {
                    return OpenAiFixtures.error(503, "server_error", null, "overloaded");
                }
            }
            return OpenAiFixtures.answer(r);
        });
        int ok = 0;
        for (int i = 0; i < CALLS; i++) {
            HttpResponse<String> r = gateway.post("/v1/chat/completions",
                    "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "X-Tollgate-Request-Id", "flaky-" + i);
            ok += r.statusCode() == 200 ? 1 : 0;
        }

        assertThat(ok).isEqualTo(CALLS);
        long servedByFlaky = 0;
        for (int i = 0; i < CALLS; i++) {
            UsageEvent e = gateway.event("flaky-" + i);
            assertThat(e.status()).isEqualTo(200);
            assertThat(e.usage()).isEqualTo(OpenAiFixtures.DEFAULT_USAGE);
            if ("flaky".equals(e.provider())) {
                servedByFlaky++;
            }
        }
        assertThat(servedByFlaky + healthy.requestCount()).isEqualTo(CALLS);
        assertThat(servedByFlaky).isGreaterThan(CALLS * 9 / 10);
        // The budget counter holds exactly what was billed: every failed try gave its reservation back.
        assertThat(Math.round(budgetUtilization() * 1_000_000)).isEqualTo(CALLS * OpenAiFixtures.DEFAULT_USAGE.totalTokens());
    }

    private static double budgetUtilization() {
        for (String line : gateway.get("/metrics").body().lines().toList()) {
            if (line.startsWith("tollgate_budget_utilization{") && line.contains("budget=\"all-tokens\"")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no utilization gauge for the budget all-tokens");
    }
}
