package dev.tollgate.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.model.BudgetSnapshot;
import dev.tollgate.model.Usage;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.testing.FakeClock;
import dev.tollgate.testing.GatewayExtension;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Alerts through a running gateway: budget snapshots fed to its listeners (as the budget stage reports
 * them) raise each level once, are listed per org at {@code GET /api/token-usage/alerts}, and reach a
 * webhook (a JDK HttpServer) as Slack-shaped JSON, retried with backoff, without a hanging webhook
 * slowing requests; spikes from seeded ledger data and month-end forecasts alert too.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AlertsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String MASTER = "sk-master-alerts";
    private static final Instant NOW = Instant.parse("2026-11-23T12:30:00Z");
    private static final Instant DAY = Instant.parse("2026-11-23T00:00:00Z");
    static final FakeClock CLOCK = new FakeClock(NOW);
    static final WebhookReceiver hook = new WebhookReceiver();

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.yaml("""
            master_key: sk-master-alerts
            providers:
              - {name: sim, kind: simulated, simulated: {first_token_ms: 0, inter_token_ms: 0}}
            alerts:
              webhooks:
                - {url: "${HOOK}", headers: {X-Hook-Token: hook-secret-7731}}
              webhook_attempts: 3
              webhook_backoff_ms: 200
              webhook_timeout_ms: 60000
              spike_multiple: 3
              spike_check_seconds: 3600
            """).env("HOOK", () -> hook.url().toString()).clock(CLOCK);

    static String acme;
    static String globex;

    @BeforeAll
    static void twoOrgs() {
        for (String org : List.of("acme", "globex")) {
            assertThat(gateway.post("/governance/orgs", "{\"id\":\"" + org + "\",\"name\":\"" + org + "\"}",
                    "Authorization", "Bearer " + MASTER).statusCode()).isEqualTo(200);
        }
        acme = key("acme");
        globex = key("globex");
    }

    @AfterAll
    static void stopHook() {
        hook.close();
    }

    private static String key(String org) {
        return JSON.readTree(gateway.post("/governance/api-keys", "{\"org_id\":\"" + org + "\",\"name\":\"k\",\"scopes\":[\"infer\",\"analytics\"]}",
                "Authorization", "Bearer " + MASTER).body()).path("key").asString();
    }

    private static BudgetSnapshot daily(String org, String agent, long used) {
        return new BudgetSnapshot("rule-" + agent, agent + " daily", org, Map.of("agent", agent), "tokens", "day", DAY,
                DAY.plus(Duration.ofDays(1)), used, 100, Map.of());
    }

    private static JsonNode alerts(String key, String query) {
        HttpResponse<String> r = gateway.get("/api/token-usage/alerts" + query, "Authorization", "Bearer " + key);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).path("data");
    }

    private static List<String> levels(JsonNode data) {
        List<String> out = new ArrayList<>();
        data.forEach(a -> out.add(a.path("level").asString()));
        return out;
    }

    private static List<JsonNode> deliveredFor(String agent) {
        List<JsonNode> out = new ArrayList<>();
        for (WebhookReceiver.Delivery d : hook.deliveries()) {
            JsonNode body = JSON.readTree(d.body());
            if (agent.equals(body.path("alert").path("agent").asString())) {
                out.add(body);
            }
        }
        return out;
    }

    @Test
    @Order(1)
    void eachLevelFiresOnce_isListedPerOrg_andReachesTheWebhookAsSlackJson() {
        for (long used : List.of(50L, 79L, 80L, 85L, 95L, 96L, 98L, 99L, 100L)) {
            gateway.gateway().listener().budgetSettled(daily("acme", "imperium", used));
        }
        gateway.gateway().listener().budgetSettled(daily("globex", "guardian", 81));
        gateway.gateway().alerts().awaitStored(Duration.ofSeconds(10));

        assertThat(levels(alerts(acme, ""))).containsExactly("emergency", "critical", "warning");
        assertThat(levels(alerts(globex, ""))).containsExactly("warning");
        assertThat(alerts(globex, "").get(0).path("agent").asString()).isEqualTo("guardian");
        assertThat(alerts(MASTER, "")).hasSize(4);
        assertThat(levels(alerts(acme, "?level=critical"))).containsExactly("critical");
        assertThat(alerts(MASTER, "?agent=guardian")).hasSize(1);
        assertThat(alerts(acme, "?agent=guardian")).as("another org's agent").isEmpty();
        assertThat(alerts(acme, "?since=2026-11-24T00:00:00Z")).isEmpty();
        assertThat(gateway.get("/api/token-usage/alerts?org_id=acme", "Authorization", "Bearer " + globex).statusCode()).isEqualTo(403);
        assertThat(gateway.get("/api/token-usage/alerts?since=yesterday", "Authorization", "Bearer " + acme).statusCode()).isEqualTo(400);

        JsonNode critical = alerts(acme, "?level=critical").get(0);
        assertThat(critical.path("type").asString()).isEqualTo("threshold");
        assertThat(critical.path("value").asLong()).isEqualTo(95);
        assertThat(critical.path("limit").asLong()).isEqualTo(100);
        assertThat(critical.path("scope").path("agent").asString()).isEqualTo("imperium");

        await().atMost(Duration.ofSeconds(10)).until(() -> deliveredFor("imperium").size() == 3 && deliveredFor("guardian").size() == 1);
        JsonNode body = deliveredFor("imperium").stream().filter(b -> b.path("alert").path("level").asString().equals("critical"))
                .findFirst().orElseThrow();
        assertThat(body.path("text").asString()).startsWith(":red_circle: Tollgate critical (threshold): Budget 'imperium daily' (agent=imperium) reached 95% of its daily limit of 100 tokens (critical at 95%)");
        assertThat(body.path("alert").path("org_id").asString()).isEqualTo("acme");
        assertThat(body.path("alert").path("percent").asDouble()).isEqualTo(95.0);
        assertThat(hook.deliveries()).allSatisfy(d -> {
            assertThat(d.token()).isEqualTo("hook-secret-7731");
            assertThat(d.body()).doesNotContain("hook-secret-7731").doesNotContain("SECRET-PATH");
        });

        gateway.gateway().listener().budgetSettled(daily("acme", "imperium", 99));
        gateway.gateway().alerts().awaitStored(Duration.ofSeconds(10));
        assertThat(alerts(MASTER, "")).as("nothing fires twice").hasSize(4);
        assertThat(deliveredFor("imperium")).hasSize(3);
    }

    @Test
    @Order(2)
    void aFailingWebhook_isRetriedWithExponentialBackoff() {
        hook.failNext(2);
        gateway.gateway().listener().budgetSettled(daily("acme", "retried", 90));
        await().atMost(Duration.ofSeconds(10)).until(() -> deliveredFor("retried").size() == 3);
        List<Long> times = hook.deliveries().stream().filter(d -> d.body().contains("\"retried\"")).map(WebhookReceiver.Delivery::nanos).toList();
        assertThat(Duration.ofNanos(times.get(1) - times.get(0))).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        assertThat(Duration.ofNanos(times.get(2) - times.get(1))).isGreaterThanOrEqualTo(Duration.ofMillis(400));
        assertThat(deliveredFor("retried")).allSatisfy(b -> assertThat(b.path("alert").path("level").asString()).isEqualTo("warning"));
    }

    @Test
    @Order(3)
    void aHangingWebhook_slowsNoRequest_andTheAlertIsStoredAnyway() throws Exception {
        hook.hang();
        try {
            gateway.gateway().listener().budgetSettled(daily("acme", "hung", 97));
            await().atMost(Duration.ofSeconds(10)).until(() -> hook.hanging.get() == 2); // warning and critical, both held
            List<Future<HttpResponse<String>>> calls = new ArrayList<>();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < 20; i++) {
                    calls.add(pool.submit((Callable<HttpResponse<String>>) () -> gateway.post("/v1/chat/completions",
                            "{\"model\":\"tollgate-sim\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                            "Authorization", "Bearer " + acme, "Content-Type", "application/json")));
                }
            }
            for (Future<HttpResponse<String>> call : calls) {
                assertThat(call.get().statusCode()).isEqualTo(200);
            }
            assertThat(levels(alerts(acme, "?agent=hung"))).containsExactlyInAnyOrder("warning", "critical");
            assertThat(hook.hanging).as("the webhook is still holding both deliveries").hasValue(2);
        } finally {
            hook.release();
        }
    }

    @Test
    @Order(4)
    void aSpikeInAnAgentsHourlySpend_alerts_butSteadySpendDoesNot() {
        Instant hour = Instant.parse("2026-11-23T12:00:00Z");
        for (int h = 1; h <= 24; h++) {
            Instant t = hour.minus(Duration.ofHours(h)).plus(Duration.ofMinutes(10));
            gateway.ledger().append(event(t, "spiky", "search", 0.01));
            gateway.ledger().append(event(t, "steady", "chat", 0.01));
        }
        for (int i = 0; i < 10; i++) {
            gateway.ledger().append(event(hour.plus(Duration.ofMinutes(i + 1)), "spiky", "search", 0.01));
        }
        gateway.ledger().append(event(hour.plus(Duration.ofMinutes(5)), "steady", "chat", 0.02));
        gateway.ledger().flush();

        assertThat(gateway.gateway().spikes().check()).isEqualTo(2); // agent spiky, and its feature search
        gateway.gateway().alerts().awaitStored(Duration.ofSeconds(10));
        JsonNode spikes = alerts(acme, "?type=spike");
        assertThat(spikes).hasSize(2);
        JsonNode agentSpike = alerts(acme, "?type=spike&agent=spiky").get(0);
        assertThat(agentSpike.path("metric").asString()).isEqualTo("cost_usd");
        assertThat(agentSpike.path("value").asLong()).isEqualTo(100_000); // $0.10 this hour, in micro-dollars
        assertThat(agentSpike.path("limit").asLong()).isEqualTo(30_000);  // 3 × the $0.01 hourly average
        assertThat(agentSpike.path("message").asString()).contains("agent 'spiky'").contains("10.0×");
        assertThat(alerts(globex, "?type=spike")).isEmpty();

        assertThat(gateway.gateway().spikes().check()).isEqualTo(2);
        gateway.gateway().alerts().awaitStored(Duration.ofSeconds(10));
        assertThat(alerts(acme, "?type=spike")).as("once per hour").hasSize(2);
        await().atMost(Duration.ofSeconds(10)).until(() -> hook.deliveries().stream().anyMatch(d -> d.body().contains("Spend spike: agent 'spiky'")));
    }

    @Test
    @Order(5)
    void aMonthlyBudgetProjectedPastItsLimit_raisesAForecastAlert() {
        Instant month = Instant.parse("2026-11-01T00:00:00Z");
        BudgetSnapshot onCourse = new BudgetSnapshot("m1", "guardian monthly", "globex", Map.of("agent", "guardian", "provider", "openai"),
                "tokens", "month", month, Instant.parse("2026-12-01T00:00:00Z"), 7_000, 9_000, Map.of());
        gateway.gateway().listener().budgetSettled(onCourse); // 7,000 in 22.52 days → 9,325 by 30 days
        gateway.gateway().alerts().awaitStored(Duration.ofSeconds(10));
        JsonNode forecast = alerts(globex, "?type=forecast");
        assertThat(forecast).hasSize(1);
        assertThat(forecast.get(0).path("value").asLong()).isEqualTo(9_325);
        assertThat(forecast.get(0).path("limit").asLong()).isEqualTo(9_000);
        assertThat(forecast.get(0).path("message").asString()).contains("on course for 9325 tokens by the end of the month");
        assertThat(alerts(acme, "?type=forecast")).isEmpty();
    }

    private static UsageEvent event(Instant time, String agent, String feature, double cost) {
        return new UsageEvent(UUID.randomUUID().toString(), time, "req-" + UUID.randomUUID(), "acme", "key_x", agent, feature, "chat", "proxy",
                "openai", "gpt-4o-mini", new Usage(100, 20, 0, 0, false), cost, true, 0, 10, -1, 200, null, false, 1, "miss", null);
    }
}
