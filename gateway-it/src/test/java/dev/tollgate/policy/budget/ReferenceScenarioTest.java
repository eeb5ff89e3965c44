package dev.tollgate.policy.budget;

import static dev.tollgate.policy.budget.BudgetGateway.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.model.BudgetSnapshot;
import dev.tollgate.model.Usage;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.testing.MockResponse;
import dev.tollgate.testing.MockUpstream;
import dev.tollgate.testing.OpenAiFixtures;
import dev.tollgate.testing.RecordedRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
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
 * The reference scenario of the product spec, configured by the env shortcuts alone: each agent gets
 * Anthropic 140,000 tokens a month, then OpenAI 9,000, then a {@code both_exhausted} refusal. One agent is
 * driven through 80%, 95% (the switch), 98% and 100%; another agent is unaffected throughout. Anthropic is
 * stood in for by a provider named {@code anthropic} speaking OpenAI's format (budgets select providers by name).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReferenceScenarioTest {

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
    }

    @AfterAll
    static void stop() {
        gateway.close();
        gateway = null;
    }

    private static MockResponse answer(String model, long input, long output) {
        return MockResponse.json(200, OpenAiFixtures.chatCompletion(model, "Hi from " + model, new Usage(input, output, 0, 0, false)));
    }

    private static BudgetSnapshot lastSnapshot(String agent, String provider) {
        return gateway.snapshots.reversed().stream()
                .filter(s -> agent.equals(s.scope().get("agent")) && provider.equals(s.scope().get("provider")))
                .findFirst().orElseThrow(() -> new AssertionError("no snapshot for " + agent + " on " + provider));
    }

    private static UsageEvent event(HttpResponse<String> response) {
        String id = response.headers().firstValue("x-tollgate-request-id").orElseThrow();
        gateway.gateway().ledger().flush();
        return gateway.gateway().ledger().recent(1_000).stream().filter(e -> e.requestId().equals(id)).findFirst().orElseThrow();
    }

    @Test
    @Order(1)
    void at80Percent_anthropicStillServes_andTheWarningLevelIsReported() {
        anthropic.enqueue(answer(CLAUDE, 100_000, 12_000));

        HttpResponse<String> r = gateway.chat("imperium", CLAUDE, 50, "Hello");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-tollgate-provider")).contains("anthropic");
        assertThat(anthropic.takeRequest().bodyText()).contains("\"max_tokens\":50");
        BudgetSnapshot s = lastSnapshot("imperium", "anthropic");
        assertThat(s.used()).isEqualTo(112_000);
        assertThat(s.limit()).isEqualTo(140_000);
        assertThat(s.fraction()).isEqualTo(0.80);
        assertThat(s.ruleName()).isEqualTo("anthropic-monthly-per-agent");
        assertThat(s.thresholds()).containsEntry("warning", 0.80).containsEntry("critical", 0.95).containsEntry("emergency", 0.98);
    }

    @Test
    @Order(2)
    void reaching95Percent_onAnthropic_isStillServedThere() {
        anthropic.enqueue(answer(CLAUDE, 20_000, 1_000));

        HttpResponse<String> r = gateway.chat("imperium", CLAUDE, 50, "Hello");

        assertThat(r.headers().firstValue("x-tollgate-provider")).contains("anthropic");
        assertThat(lastSnapshot("imperium", "anthropic").used()).isEqualTo(133_000);
        assertThat(lastSnapshot("imperium", "anthropic").fraction()).isEqualTo(0.95);
    }

    @Test
    @Order(3)
    void past95Percent_theCallGoesToOpenAi_rewrittenForIt() {
        int anthropicCalls = anthropic.requestCount();
        openai.enqueue(answer("gpt-4o-mini", 8_000, 820));

        HttpResponse<String> r = gateway.chat("imperium", CLAUDE, 50, "Hello");

        assertThat(r.statusCode()).isEqualTo(200);
        RecordedRequest sent = openai.takeRequest();
        JsonNode body = BudgetGateway.JSON.readTree(sent.body());
        assertThat(body.path("model").asString()).isEqualTo("gpt-4o-mini");
        assertThat(body.path("max_tokens").asInt()).isEqualTo(100);
        assertThat(body.path("temperature").asDouble()).isEqualTo(0.2);
        assertThat(anthropic.requestCount()).isEqualTo(anthropicCalls);
        String reason = "budget: anthropic at 95.0% of 140000 tokens for agent imperium, fallback openai";
        assertThat(r.headers().firstValue("x-tollgate-provider")).contains("openai");
        assertThat(r.headers().firstValue("x-tollgate-model")).contains("gpt-4o-mini");
        assertThat(r.headers().firstValue("x-tollgate-routing-reason")).contains(reason);
        UsageEvent e = event(r);
        assertThat(e.provider()).isEqualTo("openai");
        assertThat(e.model()).isEqualTo("gpt-4o-mini");
        assertThat(e.routingReason()).isEqualTo(reason);
        assertThat(lastSnapshot("imperium", "openai").used()).isEqualTo(8_820);
        assertThat(lastSnapshot("imperium", "openai").fraction()).as("the emergency alert level").isEqualTo(0.98);
    }

    @Test
    @Order(4)
    void at98Percent_openAiServesWhatStillFits_upTo100Percent() {
        openai.enqueue(answer("gpt-4o-mini", 100, 80));

        HttpResponse<String> r = gateway.chat("imperium", CLAUDE, 50, "Hello");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-tollgate-provider")).contains("openai");
        assertThat(lastSnapshot("imperium", "openai").used()).isEqualTo(9_000);
        assertThat(lastSnapshot("imperium", "openai").fraction()).isEqualTo(1.0);
    }

    @Test
    @Order(5)
    void at100Percent_ofBoth_theCallIsRefusedWithBothExhausted() {
        int calls = anthropic.requestCount() + openai.requestCount();

        HttpResponse<String> r = gateway.chat("imperium", CLAUDE, 50, "Hello");

        assertThat(r.statusCode()).isEqualTo(429);
        JsonNode error = json(r).path("error");
        assertThat(error.path("type").asString()).isEqualTo("budget_exceeded");
        assertThat(error.path("code").asString()).isEqualTo("both_exhausted");
        assertThat(error.path("message").asString()).contains("openai-monthly-per-agent", "agent imperium", "anthropic: kept in reserve");
        assertThat(Long.parseLong(r.headers().firstValue("retry-after").orElseThrow())).isPositive();
        assertThat(anthropic.requestCount() + openai.requestCount()).isEqualTo(calls);
        UsageEvent e = event(r);
        assertThat(e.status()).isEqualTo(429);
        assertThat(e.errorCode()).isEqualTo("both_exhausted");
    }

    @Test
    @Order(6)
    void anotherAgent_isUnaffected() {
        anthropic.enqueue(answer(CLAUDE, 10, 5));

        HttpResponse<String> r = gateway.chat("guardian", CLAUDE, 50, "Hello");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-tollgate-provider")).contains("anthropic");
        assertThat(r.headers().firstValue("x-tollgate-routing-reason")).contains("explicit: anthropic serves " + CLAUDE);
        assertThat(gateway.used("guardian", "anthropic")).isEqualTo(15);
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
}
