package dev.tollgate.policy.budget;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.model.Usage;
import dev.tollgate.testing.FakeClock;
import dev.tollgate.testing.MockResponse;
import dev.tollgate.testing.MockUpstream;
import dev.tollgate.testing.OpenAiFixtures;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Budgets start afresh when their calendar period rolls over, on the gateway's clock. */
class BudgetPeriodTest {

    @RegisterExtension
    static final MockUpstream upstream = new MockUpstream();

    private static BudgetGateway gateway(FakeClock clock, String rule) {
        upstream.fallback(r -> MockResponse.json(200, OpenAiFixtures.chatCompletion("gpt-4o-mini", "ok", new Usage(600, 300, 0, 0, false))));
        return new BudgetGateway("""
                providers:
                  - {name: openai, kind: openai, base_url: "${UPSTREAM}", api_key: sk-upstream}
                budgets:
                """ + rule, Map.of("UPSTREAM", upstream.baseUrl().toString()), clock);
    }

    @Test
    void aMonthlyBudget_refusesUntilMonthEnd_andStartsAfreshOnTheFirst() {
        FakeClock clock = new FakeClock(Instant.parse("2026-11-30T23:59:00Z"));
        try (BudgetGateway gateway = gateway(clock, "  - {name: monthly, scope: {agent: \"*\"}, period: month, limit: 1000}\n")) {
            assertThat(gateway.chat("imperium", "gpt-4o-mini", 150, "hi").statusCode()).isEqualTo(200);

            HttpResponse<String> refused = gateway.chat("imperium", "gpt-4o-mini", 150, "hi");

            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(refused.headers().firstValue("retry-after")).contains("60");
            assertThat(BudgetGateway.json(refused).path("error").path("message").asString())
                    .contains("900 tokens of 1000 tokens used this month", "resets at 2026-12-01T00:00:00Z");

            clock.set(Instant.parse("2026-12-01T00:00:00Z"));
            HttpResponse<String> december = gateway.chat("imperium", "gpt-4o-mini", 150, "hi");

            assertThat(december.statusCode()).isEqualTo(200);
            assertThat(gateway.used("imperium", null)).isEqualTo(900);
            assertThat(gateway.snapshots.getLast().periodStart()).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
            assertThat(gateway.snapshots.getLast().periodEnd()).isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
        }
    }

    @Test
    void aDailyBudget_inATimeZone_rollsOverAtLocalMidnight() {
        // 04:59 UTC is 23:59 in New York (UTC-5 in November).
        FakeClock clock = new FakeClock(Instant.parse("2026-11-24T04:59:00Z"));
        try (BudgetGateway gateway = gateway(clock,
                "  - {name: daily, scope: {agent: \"*\"}, period: day, time_zone: America/New_York, limit: 1000}\n")) {
            assertThat(gateway.chat("imperium", "gpt-4o-mini", 150, "hi").statusCode()).isEqualTo(200);
            HttpResponse<String> refused = gateway.chat("imperium", "gpt-4o-mini", 150, "hi");
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(refused.headers().firstValue("retry-after")).contains("60");

            clock.advance(Duration.ofSeconds(61));

            assertThat(gateway.chat("imperium", "gpt-4o-mini", 150, "hi").statusCode()).isEqualTo(200);
            assertThat(gateway.snapshots.getLast().periodStart()).isEqualTo(Instant.parse("2026-11-24T05:00:00Z"));
        }
    }

    @Test
    void aTotalBudget_neverRollsOver_andNamesNoRetryAfter() {
        FakeClock clock = new FakeClock(Instant.parse("2026-11-30T23:59:00Z"));
        try (BudgetGateway gateway = gateway(clock, "  - {name: lifetime, scope: {agent: \"*\"}, period: total, limit: 1000}\n")) {
            assertThat(gateway.chat("imperium", "gpt-4o-mini", 150, "hi").statusCode()).isEqualTo(200);
            clock.advance(Duration.ofDays(40));

            HttpResponse<String> refused = gateway.chat("imperium", "gpt-4o-mini", 150, "hi");

            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(refused.headers().firstValue("retry-after")).isEmpty();
        }
    }
}
