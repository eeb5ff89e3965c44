package dev.tollgate.policy.budget;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.model.Usage;
import dev.tollgate.testing.MockResponse;
import dev.tollgate.testing.MockUpstream;
import dev.tollgate.testing.OpenAiFixtures;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Counters live in memory: after a restart they are seeded from the ledger (proxied and SDK-reported
 * calls alike), API-created rules come back from SQLite, and a reset stays a reset.
 */
class BudgetRestartTest {

    @RegisterExtension
    static final MockUpstream upstream = new MockUpstream();

    @Test
    void countersAreSeededFromTheLedger_andAResetSurvivesARestart() {
        upstream.fallback(r -> MockResponse.json(200, OpenAiFixtures.chatCompletion("gpt-4o-mini", "ok", new Usage(60, 40, 0, 0, false))));
        try (BudgetGateway gateway = new BudgetGateway("""
                providers:
                  - {name: openai, kind: openai, base_url: "${UPSTREAM}", api_key: sk-upstream}
                budgets:
                  - {name: per-agent, scope: {agent: "*", provider: openai}, limit: 100000}
                  - {name: global-requests, metric: requests, period: day, limit: 1000}
                """, Map.of("UPSTREAM", upstream.baseUrl().toString()), Clock.systemUTC())) {
            for (int i = 0; i < 3; i++) {
                assertThat(gateway.chat("imperium", "gpt-4o-mini", 50, "hi").statusCode()).isEqualTo(200);
            }
            gateway.chat("guardian", "gpt-4o-mini", 50, "hi");
            String created = gateway.post("/governance/budgets", """
                    {"name": "api-rule", "scope": {"feature": "*"}, "metric": "tokens", "tokens": "output", "limit": 5000}
                    """).body();
            assertThat(created).contains("\"source\":\"api\"");
            gateway.post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
                    "x-tollgate-agent", "imperium", "x-tollgate-feature", "search");

            String sdkCall = "{\"events\":[{\"event_id\":\"evt-sdk-1\",\"provider\":\"openai\",\"model\":\"gpt-4o-mini\","
                    + "\"input_tokens\":100,\"output_tokens\":50,\"agent\":\"imperium\"}]}";
            assertThat(gateway.post("/api/log", sdkCall).statusCode()).isEqualTo(200);
            assertThat(gateway.post("/api/log", sdkCall).statusCode()).as("a retried batch").isEqualTo(200);
            assertThat(gateway.used("imperium", "openai")).as("SDK-reported calls count, once").isEqualTo(550);

            gateway.restart();

            assertThat(gateway.used("imperium", "openai")).isEqualTo(550);
            assertThat(gateway.used("guardian", "openai")).isEqualTo(100);
            var budgets = BudgetGateway.json(gateway.get("/governance/budgets")).path("data");
            assertThat(budgets).extracting(b -> b.path("name").asString()).containsExactly("per-agent", "global-requests", "api-rule");
            assertThat(budgets.get(1).path("counters").get(0).path("used").asLong()).as("5 proxied calls and 1 reported").isEqualTo(6);
            assertThat(budgets.get(2).path("counters").get(0).path("scope").path("feature").asString()).isEqualTo("search");
            assertThat(budgets.get(2).path("counters").get(0).path("used").asLong()).isEqualTo(40);

            assertThat(gateway.post("/api/token-usage/reset/imperium", "").statusCode()).isEqualTo(200);
            assertThat(gateway.used("imperium", "openai")).isZero();
            gateway.chat("imperium", "gpt-4o-mini", 50, "hi");
            gateway.restart();

            assertThat(gateway.used("imperium", "openai")).as("the reset is not undone by re-seeding").isEqualTo(100);
            assertThat(gateway.used("guardian", "openai")).isEqualTo(100);
        }
    }
}
