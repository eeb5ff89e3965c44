package dev.tollgate.policy.budget;

import static dev.tollgate.policy.budget.BudgetGateway.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.model.Usage;
import dev.tollgate.testing.MockResponse;
import dev.tollgate.testing.MockUpstream;
import dev.tollgate.testing.OpenAiFixtures;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * The token-usage API's reads and admin actions at the reference scenario's end: imperium has spent 95% of
 * its Anthropic budget and all of OpenAI's, guardian a little. {@link ReferenceScenarioEndToEndTest} drives
 * the steps that lead here; this class checks what the status routes report, a test call, and a reset. Anthropic
 * is stood in for by an OpenAI-compatible provider named {@code anthropic} (budgets select providers by name).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReferenceScenarioAdminTest {

    private static final String CLAUDE = "claude-3-5-sonnet-20241022";

    @RegisterExtension
    @Order(1)
    static final MockUpstream anthropic = new MockUpstream();

    @RegisterExtension
    @Order(2)
    static final MockUpstream openai = new MockUpstream();

    static BudgetGateway gateway;

    @BeforeAll
    static void start() {
        gateway = new BudgetGateway("""
                default_model: claude-3-5-sonnet-20241022
                providers:
                  - {name: anthropic, kind: openai_compatible, base_url: "${ANTHROPIC_URL}", models: [claude-3-5-sonnet-20241022]}
                  - {name: openai, kind: openai, base_url: "${OPENAI_URL}", api_key: sk-upstream}
                """, Map.of("ANTHROPIC_URL", anthropic.baseUrl().toString(), "OPENAI_URL", openai.baseUrl().toString(),
                "ANTHROPIC_MONTHLY_LIMIT", "140000", "OPENAI_MONTHLY_LIMIT", "9000", "ENABLE_OPENAI_FALLBACK", "true",
                "OPENAI_MODEL", "gpt-4o-mini", "OPENAI_MAX_TOKENS", "100", "OPENAI_TEMPERATURE", "0.2"), Clock.systemUTC());
        spend();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        gateway = null;
    }

    private static MockResponse answer(String model, long input, long output) {
        return MockResponse.json(200, OpenAiFixtures.chatCompletion(model, "Hi from " + model, new Usage(input, output, 0, 0, false)));
    }

    /** Imperium spends its Anthropic budget to 95% and then OpenAI's to 100% (the steps are {@link ReferenceScenarioEndToEndTest}'s); guardian a little. */
    private static void spend() {
        anthropic.enqueue(answer(CLAUDE, 120_000, 13_000));
        openai.enqueue(answer("gpt-4o-mini", 8_900, 100));
        anthropic.enqueue(answer(CLAUDE, 10, 5));
        assertThat(gateway.chat("imperium", CLAUDE, 50, "Hello").headers().firstValue("x-tollgate-provider")).contains("anthropic");
        assertThat(gateway.chat("imperium", CLAUDE, 50, "Hello").headers().firstValue("x-tollgate-provider")).contains("openai");
        assertThat(gateway.chat("guardian", CLAUDE, 50, "Hello").headers().firstValue("x-tollgate-provider")).contains("anthropic");
        assertThat(gateway.chat("imperium", CLAUDE, 50, "Hello").statusCode()).isEqualTo(429);
    }

    @Test
    @Order(7)
    void providerStatus_showsEachProvidersStanding_andWhatWouldBeChosen() {
        JsonNode imperium = json(gateway.get("/api/token-usage/provider-status/imperium"));
        JsonNode guardian = json(gateway.get("/api/token-usage/provider-status/guardian"));
        JsonNode all = json(gateway.get("/api/token-usage/provider-status"));

        JsonNode first = imperium.path("providers").get(0);
        assertThat(first.path("provider").asString()).isEqualTo("anthropic");
        assertThat(first.path("used").asLong()).isEqualTo(133_000);
        assertThat(first.path("limit").asLong()).isEqualTo(140_000);
        assertThat(first.path("percentage").asDouble()).isEqualTo(95.0);
        assertThat(first.path("state").asString()).isEqualTo("prefer_fallback");
        JsonNode second = imperium.path("providers").get(1);
        assertThat(second.path("provider").asString()).isEqualTo("openai");
        assertThat(second.path("percentage").asDouble()).isEqualTo(100.0);
        assertThat(second.path("state").asString()).isEqualTo("exhausted");
        assertThat(imperium.path("chosen").path("provider").isNull()).isTrue();
        assertThat(imperium.path("chosen").path("reason").asString()).startsWith("both_exhausted:");
        assertThat(guardian.path("chosen").path("provider").asString()).isEqualTo("anthropic");
        assertThat(all.path("agents")).extracting(a -> a.path("agent").asString()).containsExactly("guardian", "imperium");
    }

    @Test
    @Order(8)
    void emergencyStatus_listsWhatIsBlocked() {
        JsonNode status = json(gateway.get("/api/token-usage/emergency-status"));

        assertThat(status.path("emergency").asBoolean()).isFalse();
        assertThat(status.path("usage").path("total_tokens").asLong()).isEqualTo(133_000 + 9_000 + 15);
        assertThat(status.path("blocked")).singleElement().satisfies(b -> {
            assertThat(b.path("budget").asString()).isEqualTo("openai-monthly-per-agent");
            assertThat(b.path("scope").path("agent").asString()).isEqualTo("imperium");
            assertThat(b.path("state").asString()).isEqualTo("exhausted");
        });
    }

    @Test
    @Order(9)
    void testAiCall_makesARealRoutedCall_andSaysWhereItWentAndWhy() {
        anthropic.enqueue(answer(CLAUDE, 7, 3));
        openai.enqueue(answer("gpt-4o-mini", 4, 2));

        JsonNode plain = json(gateway.post("/api/token-usage/test-ai-call", "{\"ai_name\":\"guardian\",\"prompt\":\"ping\"}"));
        JsonNode preferring = json(gateway.post("/api/token-usage/test-ai-call",
                "{\"ai_name\":\"guardian\",\"prompt\":\"ping\",\"preferred_provider\":\"openai\",\"max_tokens\":50}"));
        HttpResponse<String> refused = gateway.post("/api/token-usage/test-ai-call", "{\"ai_name\":\"imperium\",\"prompt\":\"ping\"}");

        assertThat(plain.path("provider").asString()).as(plain.toString()).isEqualTo("anthropic");
        assertThat(plain.path("model").asString()).isEqualTo(CLAUDE);
        assertThat(plain.path("text").asString()).isEqualTo("Hi from " + CLAUDE);
        assertThat(plain.path("usage").path("total_tokens").asLong()).isEqualTo(10);
        assertThat(plain.path("routing_reason").asString()).isEqualTo("explicit: anthropic serves " + CLAUDE);
        assertThat(preferring.path("provider").asString()).as(preferring.toString()).isEqualTo("openai");
        assertThat(preferring.path("model").asString()).isEqualTo("gpt-4o-mini");
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(json(refused).path("error").path("code").asString()).isEqualTo("both_exhausted");
        assertThat(gateway.used("guardian", "anthropic")).isEqualTo(25);
        assertThat(gateway.used("guardian", "openai")).isEqualTo(6);
    }

    @Test
    @Order(10)
    void resettingAnAgent_clearsItsCounters_andItIsServedByAnthropicAgain() {
        HttpResponse<String> reset = gateway.post("/api/token-usage/reset/imperium", "");
        anthropic.enqueue(answer(CLAUDE, 30, 20));

        HttpResponse<String> r = gateway.chat("imperium", CLAUDE, 50, "Hello");

        assertThat(reset.statusCode()).isEqualTo(200);
        assertThat(json(reset).path("reset")).hasSize(2);
        assertThat(r.headers().firstValue("x-tollgate-provider")).contains("anthropic");
        assertThat(gateway.used("imperium", "anthropic")).isEqualTo(50);
        assertThat(gateway.used("imperium", "openai")).isZero();
        assertThat(gateway.used("guardian", "anthropic")).as("other agents keep their usage").isEqualTo(25);
        JsonNode audit = json(gateway.get("/governance/audit"));
        assertThat(audit.path("data").get(0).path("action").asString()).isEqualTo("budget.reset");
        assertThat(audit.path("data").get(0).path("target").asString()).isEqualTo("imperium");
    }

    @Test
    @Order(11)
    void afterAReset_theAgentsAlertsFireAgain_andTheEarlierOnesStayListed() {
        anthropic.enqueue(answer(CLAUDE, 100_000, 11_950)); // 50 + 111,950 = 112,000: 80% of 140,000 again

        assertThat(gateway.chat("imperium", CLAUDE, 50, "Hello").headers().firstValue("x-tollgate-provider")).contains("anthropic");

        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode alerts = json(gateway.get("/api/token-usage/alerts?agent=imperium&level=warning&type=threshold")).path("data");
            List<String> anthropicWarnings = new java.util.ArrayList<>();
            alerts.forEach(a -> {
                if (a.path("rule_id").asString().equals("anthropic-monthly-per-agent")) {
                    anthropicWarnings.add(a.path("created_at").asString());
                }
            });
            assertThat(anthropicWarnings).as("the warning before the reset and the one after it").hasSize(2);
        });
    }
}
