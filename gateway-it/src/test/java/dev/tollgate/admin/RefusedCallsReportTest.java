package dev.tollgate.admin;

import static dev.tollgate.testing.TollgateProcess.readAll;
import static dev.tollgate.testing.TollgateProcess.start;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.FakeClock;
import dev.tollgate.testing.GatewayExtension;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Calls Tollgate refuses itself (a budget, a rate limit) reach no provider and cost nothing: the usage
 * summaries count them as refused, not as calls of a model without a known price, and the terminal
 * report does not warn about prices because of them.
 */
class RefusedCallsReportTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String CHAT = "{\"model\":\"%s\",\"max_tokens\":20,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

    /** Today, held still at the start of a minute: the four calls share one rpm window however slow the machine is. */
    static final FakeClock CLOCK = new FakeClock(Instant.now().truncatedTo(ChronoUnit.MINUTES));

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.yaml("""
            providers:
              - {name: sim, kind: simulated, limits: {rpm: 2}, simulated: {first_token_ms: 0, inter_token_ms: 0}}
            budgets:
              - {name: one-gpt-4o, scope: {model: gpt-4o}, metric: requests, period: day, limit: 1}
            """).clock(CLOCK);

    @Test
    @Timeout(90)
    void budgetAndRateLimitRefusals_areRefusedRequests_notUnpriced() throws Exception {
        assertThat(chat("gpt-4o").statusCode()).isEqualTo(200);
        HttpResponse<String> overBudget = chat("gpt-4o");
        assertThat(chat("gpt-4o-mini").statusCode()).isEqualTo(200);
        HttpResponse<String> overRate = chat("gpt-4o-mini");
        assertThat(overBudget.statusCode()).as(overBudget.body()).isEqualTo(429);
        assertThat(overBudget.body()).contains("\"code\":\"budget_exceeded\"");
        assertThat(overRate.statusCode()).as(overRate.body()).isEqualTo(429);
        assertThat(overRate.body()).contains("\"code\":\"rate_limit_exceeded\"");
        assertThat(gateway.events()).hasSize(4);

        JsonNode summary = JSON.readTree(gateway.get("/analytics/cost-summary?period=24h").body());
        assertThat(summary.path("requests").asLong()).as(summary.toString()).isEqualTo(4);
        assertThat(summary.path("errors").asLong()).isEqualTo(2);
        assertThat(summary.path("refused_requests").asLong()).as(summary.toString()).isEqualTo(2);
        assertThat(summary.path("price_unknown_requests").asLong()).isZero();
        assertThat(summary.path("by_provider").valueStream()
                .map(g -> g.path("provider").asString() + ":" + g.path("refused_requests").asLong() + ":" + g.path("price_unknown_requests").asLong()))
                .as("refusals are the calls without a provider").containsExactlyInAnyOrder("sim:0:0", ":2:0");
        JsonNode agents = JSON.readTree(gateway.get("/api/token-usage/summary").body());
        assertThat(agents.toString()).contains("\"none\":{").doesNotContain("\"unknown\"");

        Process report = start(Map.of(), "usage", "--data", gateway.gateway().config().dataDir().toString(),
                "--by", "provider", "--period", "day");
        String table = readAll(report);
        assertThat(report.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(report.exitValue()).as(table).isZero();
        assertThat(table).containsPattern("TOTAL\\s+4\\s+2")
                .contains("2 calls were refused by Tollgate (budget, rate limit, bad request) before reaching a provider; they cost nothing.")
                .doesNotContain("without a known price");
    }

    private static HttpResponse<String> chat(String model) {
        return gateway.post("/v1/chat/completions", CHAT.formatted(model));
    }
}
