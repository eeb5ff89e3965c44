package dev.tollgate.policy.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.HttpResponseFor;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.sun.net.httpserver.HttpServer;
import dev.tollgate.model.Usage;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.testing.AnthropicFixtures;
import dev.tollgate.testing.AnthropicFixtures.Tokens;
import dev.tollgate.testing.FakeClock;
import dev.tollgate.testing.GatewayExtension;
import dev.tollgate.testing.MockResponse;
import dev.tollgate.testing.MockUpstream;
import dev.tollgate.testing.OpenAiFixtures;
import dev.tollgate.testing.RecordedRequest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
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
 * The reference scenario as a user sets it up: environment variables only (no configuration file), a real
 * Anthropic upstream (Messages API wire format) as provider {@code anthropic} and a real OpenAI upstream as
 * {@code openai}, an alert webhook, and clients speaking both dialects (plain HTTP, openai-java, anthropic-java).
 * The mocks script each call's usage so every figure is exact. Agent {@code imperium} is driven through its
 * budgets one step per test:
 *
 * <pre>
 *   anthropic  112,000 / 140,000  80%   warning             still Anthropic
 *   anthropic  122,500            87.5% (a streamed call)   no new alert
 *   anthropic  133,000            95%   critical            this call on Anthropic, the next one switches
 *   openai       7,200 /   9,000  80%   warning (openai)    the switch: model, max_tokens, temperature rewritten
 *   openai       8,550            95%   critical (openai)   through openai-java
 *   openai       8,820            98%   emergency (openai)  through anthropic-java on /v1/messages
 *   openai       9,000           100%   -                   the last call that fits
 *   both exhausted                      -                   429 both_exhausted in OpenAI's and Anthropic's shapes
 * </pre>
 *
 * Anthropic's budget stays at 95% after the switch (no call is sent there any more), so its emergency level
 * never fires; the 98% step is OpenAI's. Agent {@code guardian} is unaffected throughout. The clock is fixed
 * early in the month, before month-end forecasts start (they are tested in {@code AlertsTest}).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReferenceScenarioEndToEndTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String CLAUDE = "claude-sonnet-4-5";
    private static final String GPT = "gpt-4o-mini";
    private static final String ANTHROPIC_RULE = "anthropic-monthly-per-agent";
    private static final String OPENAI_RULE = "openai-monthly-per-agent";
    private static final String SWITCH_REASON = "budget: anthropic at 95.0% of 140000 tokens for agent imperium, fallback openai";
    private static final Instant NOW = Instant.parse("2026-11-01T12:00:00Z");
    private static final Instant NEXT_MONTH = Instant.parse("2026-12-01T00:00:00Z");
    static final FakeClock CLOCK = new FakeClock(NOW);
    static final Webhook hook = new Webhook();

    @RegisterExtension
    @Order(1)
    static final MockUpstream anthropic = new MockUpstream();

    @RegisterExtension
    @Order(2)
    static final MockUpstream openai = new MockUpstream();

    @RegisterExtension
    @Order(3)
    static final GatewayExtension gateway = GatewayExtension.envOnly()
            .env("ANTHROPIC_API_KEY", () -> "sk-ant-upstream-4471")
            .env("ANTHROPIC_BASE_URL", () -> "http://127.0.0.1:" + anthropic.port())
            .env("OPENAI_API_KEY", () -> "sk-openai-upstream-8812")
            .env("OPENAI_BASE_URL", () -> openai.baseUrl().toString())
            .env("DEFAULT_AI_MODEL", () -> CLAUDE)
            .env("ANTHROPIC_MONTHLY_LIMIT", () -> "140000")
            .env("OPENAI_MONTHLY_LIMIT", () -> "9000")
            .env("ENABLE_OPENAI_FALLBACK", () -> "true")
            .env("OPENAI_FALLBACK_THRESHOLD", () -> "0.95")
            .env("OPENAI_MODEL", () -> GPT)
            .env("OPENAI_MAX_TOKENS", () -> "100")
            .env("OPENAI_TEMPERATURE", () -> "0.2")
            .env("TOLLGATE_ALERT_WEBHOOK_URL", () -> hook.url())
            .clock(CLOCK);

    static OpenAIClient openAiSdk;
    static AnthropicClient anthropicSdk;

    @BeforeAll
    static void clients() {
        openAiSdk = OpenAIOkHttpClient.builder().baseUrl(gateway.baseUrl() + "/v1").apiKey("unused-in-open-mode")
                .maxRetries(0).timeout(Duration.ofSeconds(20)).build();
        anthropicSdk = AnthropicOkHttpClient.builder().baseUrl(gateway.baseUrl().toString()).apiKey("unused-in-open-mode")
                .maxRetries(0).timeout(Duration.ofSeconds(20)).build();
    }

    @AfterAll
    static void close() {
        openAiSdk.close();
        anthropicSdk.close();
        hook.close();
    }

    // ---- the steps ----

    @Test
    @Order(1)
    void at80Percent_ofAnthropic_aWarningIsStoredListedAndDelivered_andAnthropicStillServes() {
        anthropic.enqueue(claude(100_000, 12_000));

        HttpResponse<String> r = chat("imperium");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-tollgate-provider")).contains("anthropic");
        assertThat(r.headers().firstValue("x-tollgate-model")).contains(CLAUDE);
        assertThat(JSON.readTree(r.body()).path("usage").path("total_tokens").asLong()).isEqualTo(112_000);
        RecordedRequest sent = anthropic.takeRequest();
        assertThat(sent.path()).isEqualTo("/v1/messages");
        assertThat(sent.headers().get("x-api-key")).containsExactly("sk-ant-upstream-4471");
        JsonNode body = JSON.readTree(sent.body());
        assertThat(body.path("model").asString()).isEqualTo(CLAUDE);
        assertThat(body.path("max_tokens").asInt()).as("the client's own max_tokens").isEqualTo(256);
        assertStanding("anthropic", 112_000, 140_000, 80.0, "ok");
        assertChosen("anthropic", CLAUDE, "anthropic is within its budgets");

        assertThat(alerts()).singleElement().satisfies(a -> assertAlert(a, "warning", ANTHROPIC_RULE, "anthropic", 112_000, 140_000));
        JsonNode delivered = awaitDeliveries(1).getFirst();
        assertThat(delivered.path("text").asString()).isEqualTo(":warning: Tollgate warning (threshold): Budget 'anthropic-monthly-per-agent' "
                + "(agent=imperium,provider=anthropic) reached 80% of its monthly limit of 140000 tokens (warning at 80%)");
        assertAlert(delivered.path("alert"), "warning", ANTHROPIC_RULE, "anthropic", 112_000, 140_000);
        assertThat(hook.bodies).allSatisfy(b -> assertThat(b).doesNotContain("sk-ant-upstream-4471", "sk-openai-upstream-8812"));
    }

    @Test
    @Order(2)
    void aStreamedCall_inTheMiddle_isBilledExactly_fromTheStreamsUsage_andRaisesNoSecondWarning() {
        anthropic.enqueue(MockResponse.sse(AnthropicFixtures.textStream(CLAUDE, List.of("Streamed", " answer."), "end_turn",
                new Tokens(6_000, 4_000, 0, 500))));

        MessageAccumulator accumulator = MessageAccumulator.create();
        String requestId;
        try (HttpResponseFor<StreamResponse<RawMessageStreamEvent>> raw = anthropicSdk.messages().withRawResponse()
                .createStreaming(question("imperium").build())) {
            requestId = raw.headers().values("x-tollgate-request-id").getFirst();
            assertThat(raw.headers().values("x-tollgate-provider")).containsExactly("anthropic");
            raw.parse().stream().forEach(accumulator::accumulate);
        }

        Message message = accumulator.message();
        assertThat(message.content().getFirst().asText().text()).isEqualTo("Streamed answer.");
        assertThat(message.usage().outputTokens()).isEqualTo(500);
        UsageEvent event = gateway.event(requestId);
        assertThat(event.stream()).isTrue();
        assertThat(event.usage()).isEqualTo(new Usage(10_000, 500, 4_000, 0, 0, false));
        assertStanding("anthropic", 122_500, 140_000, 87.5, "ok");
        assertChosen("anthropic", CLAUDE, "anthropic is within its budgets");
        assertThat(alerts()).as("80% was reported once; 87.5% is no new level").hasSize(1);
    }

    @Test
    @Order(3)
    void reaching95Percent_isACriticalAlert_thisCallIsStillAnthropics_andTheNextWouldGoToOpenAi() {
        anthropic.enqueue(claude(10_000, 500));

        // Without max_tokens: Anthropic is asked for 4096, so 122,500 + 4096 + the prompt fits (the model's 64,000 would not).
        HttpResponse<String> r = chat("imperium", null);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-tollgate-provider")).contains("anthropic");
        assertThat(JSON.readTree(anthropic.takeRequest().body()).path("max_tokens").asInt()).isEqualTo(4_096);
        assertStanding("anthropic", 133_000, 140_000, 95.0, "prefer_fallback");
        assertStanding("openai", 0, 9_000, 0.0, "ok");
        assertChosen("openai", GPT, SWITCH_REASON);
        assertThat(levels("anthropic")).containsExactly("critical", "warning");
        awaitDeliveries(2);
    }

    @Test
    @Order(4)
    void past95Percent_theCallGoesToOpenAi_rewrittenForIt_andSaysSoInHeadersAndTheUsageEvent() {
        int anthropicCalls = anthropic.requestCount();
        openai.enqueue(gpt(7_000, 200));

        HttpResponse<String> r = chat("imperium");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        RecordedRequest sent = openai.takeRequest();
        assertThat(sent.path()).isEqualTo("/v1/chat/completions");
        assertThat(sent.headers().get("authorization")).containsExactly("Bearer sk-openai-upstream-8812");
        JsonNode body = JSON.readTree(sent.body());
        assertThat(body.path("model").asString()).isEqualTo(GPT);
        assertThat(body.path("max_tokens").asInt()).isEqualTo(100);
        assertThat(body.path("temperature").asDouble()).isEqualTo(0.2);
        assertThat(anthropic.requestCount()).isEqualTo(anthropicCalls);
        assertThat(r.headers().firstValue("x-tollgate-provider")).contains("openai");
        assertThat(r.headers().firstValue("x-tollgate-model")).contains(GPT);
        assertThat(r.headers().firstValue("x-tollgate-routing-reason")).contains(SWITCH_REASON);
        UsageEvent e = gateway.event(r.headers().firstValue("x-tollgate-request-id").orElseThrow());
        assertThat(e.provider()).isEqualTo("openai");
        assertThat(e.model()).isEqualTo(GPT);
        assertThat(e.routingReason()).isEqualTo(SWITCH_REASON);
        assertThat(e.usage().totalTokens()).isEqualTo(7_200);
        assertStanding("anthropic", 133_000, 140_000, 95.0, "prefer_fallback");
        assertStanding("openai", 7_200, 9_000, 80.0, "ok");
        assertChosen("openai", GPT, SWITCH_REASON);
        assertThat(levels("openai")).containsExactly("warning");
        awaitDeliveries(3);
    }

    @Test
    @Order(5)
    void throughOpenAiJava_theSwitchHolds_andOpenAiReaches95Percent() {
        openai.enqueue(gpt(1_300, 50));

        com.openai.core.http.HttpResponseFor<ChatCompletion> raw = openAiSdk.chat().completions().withRawResponse()
                .create(ChatCompletionCreateParams.builder().model(CLAUDE).maxTokens(256).temperature(0.9)
                        .addUserMessage("Summarise the report.").putAdditionalHeader("X-Tollgate-Agent", "imperium").build());
        ChatCompletion completion = raw.parse();

        assertThat(completion.model()).isEqualTo(GPT);
        assertThat(completion.choices().getFirst().message().content()).contains("Hi from " + GPT);
        assertThat(completion.usage().orElseThrow().totalTokens()).isEqualTo(1_350);
        assertThat(raw.headers().values("x-tollgate-provider")).containsExactly("openai");
        assertThat(raw.headers().values("x-tollgate-model")).containsExactly(GPT);
        assertThat(raw.headers().values("x-tollgate-routing-reason")).containsExactly(SWITCH_REASON);
        JsonNode body = JSON.readTree(openai.takeRequest().body());
        assertThat(body.path("model").asString()).isEqualTo(GPT);
        assertThat(body.path("max_tokens").asInt()).isEqualTo(100);
        assertThat(body.path("temperature").asDouble()).isEqualTo(0.2);
        assertStanding("openai", 8_550, 9_000, 95.0, "ok");
        assertChosen("openai", GPT, SWITCH_REASON);
        assertThat(levels("openai")).containsExactly("critical", "warning");
        awaitDeliveries(4);
    }

    @Test
    @Order(6)
    void at98Percent_theEmergencyAlertIsOpenAis_anthropicStaysAtCritical_andAnAnthropicClientIsServedByOpenAi() {
        openai.enqueue(gpt(250, 20));

        HttpResponseFor<Message> raw = anthropicSdk.messages().withRawResponse().create(question("imperium").build());
        Message message = raw.parse();

        assertThat(message.content().getFirst().asText().text()).isEqualTo("Hi from " + GPT);
        assertThat(message.usage().inputTokens()).isEqualTo(250);
        assertThat(message.usage().outputTokens()).isEqualTo(20);
        assertThat(raw.headers().values("x-tollgate-provider")).containsExactly("openai");
        assertThat(raw.headers().values("x-tollgate-routing-reason")).containsExactly(SWITCH_REASON);
        JsonNode body = JSON.readTree(openai.takeRequest().body());
        assertThat(body.path("model").asString()).as("a Claude request that falls back is sent as OPENAI_MODEL").isEqualTo(GPT);
        assertThat(body.path("max_tokens").asInt()).isEqualTo(100);
        assertThat(body.path("temperature").asDouble()).isEqualTo(0.2);
        assertStanding("openai", 8_820, 9_000, 98.0, "ok");
        assertStanding("anthropic", 133_000, 140_000, 95.0, "prefer_fallback");
        assertChosen("openai", GPT, SWITCH_REASON);
        assertThat(levels("openai")).containsExactly("emergency", "critical", "warning");
        assertThat(levels("anthropic")).as("no call reached Anthropic after 95%").containsExactly("critical", "warning");
        JsonNode emergency = alerts().getFirst();
        assertAlert(emergency, "emergency", OPENAI_RULE, "openai", 8_820, 9_000);
        List<JsonNode> delivered = awaitDeliveries(5);
        assertThat(delivered.getLast().path("text").asString()).isEqualTo(":rotating_light: Tollgate emergency (threshold): Budget "
                + "'openai-monthly-per-agent' (agent=imperium,provider=openai) reached 98% of its monthly limit of 9000 tokens (emergency at 98%)");
    }

    @Test
    @Order(7)
    void openAisLastTokens_areServedUpTo100Percent_thenNothingIsChosen() {
        openai.enqueue(gpt(150, 30));

        HttpResponse<String> r = chat("imperium");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-tollgate-provider")).contains("openai");
        assertStanding("openai", 9_000, 9_000, 100.0, "exhausted");
        assertStanding("anthropic", 133_000, 140_000, 95.0, "prefer_fallback");
        JsonNode chosen = status("imperium").path("chosen");
        assertThat(chosen.path("provider").isNull()).as(chosen.toString()).isTrue();
        assertThat(chosen.path("reason").asString()).startsWith("both_exhausted:");
        assertThat(alerts()).as("100% is no alert level: five alerts in all").hasSize(5);
    }

    @Test
    @Order(8)
    void bothExhausted_isA429InOpenAisShape_withRetryAfterToTheMonthsEnd_andNoUpstreamCall() {
        int calls = anthropic.requestCount() + openai.requestCount();

        HttpResponse<String> r = chat("imperium");

        assertThat(r.statusCode()).isEqualTo(429);
        JsonNode error = JSON.readTree(r.body()).path("error");
        assertThat(error.path("type").asString()).isEqualTo("budget_exceeded");
        assertThat(error.path("code").asString()).isEqualTo("both_exhausted");
        assertThat(error.path("message").asString()).contains(OPENAI_RULE, "agent imperium", "9000 tokens of 9000 tokens used this month",
                "anthropic: kept in reserve");
        assertThat(r.headers().firstValue("retry-after")).contains(Long.toString(Duration.between(NOW, NEXT_MONTH).toSeconds()));
        assertThat(anthropic.requestCount() + openai.requestCount()).isEqualTo(calls);
        UsageEvent e = gateway.event(r.headers().firstValue("x-tollgate-request-id").orElseThrow());
        assertThat(e.status()).isEqualTo(429);
        assertThat(e.errorCode()).isEqualTo("both_exhausted");
    }

    @Test
    @Order(9)
    void bothExhausted_reachesOpenAiJava_asARateLimitException() {
        int calls = anthropic.requestCount() + openai.requestCount();

        assertThatThrownBy(() -> openAiSdk.chat().completions().create(ChatCompletionCreateParams.builder().model(CLAUDE).maxTokens(256)
                .addUserMessage("One more?").putAdditionalHeader("X-Tollgate-Agent", "imperium").build()))
                .isInstanceOfSatisfying(RateLimitException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(429);
                    assertThat(e.code()).contains("both_exhausted");
                    assertThat(e.type()).contains("budget_exceeded");
                    assertThat(e.headers().values("retry-after")).containsExactly(Long.toString(Duration.between(NOW, NEXT_MONTH).toSeconds()));
                });
        assertThat(anthropic.requestCount() + openai.requestCount()).isEqualTo(calls);
    }

    @Test
    @Order(10)
    void bothExhausted_onTheMessagesRoute_isAnthropicsRateLimitError_forRawClientsAndAnthropicJava() {
        int calls = anthropic.requestCount() + openai.requestCount();

        HttpResponse<String> r = gateway.post("/v1/messages", "{\"model\":\"" + CLAUDE + "\",\"max_tokens\":256,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"One more?\"}]}", "x-tollgate-agent", "imperium", "anthropic-version", "2023-06-01");

        assertThat(r.statusCode()).isEqualTo(429);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("type").asString()).isEqualTo("error");
        assertThat(body.path("error").path("type").asString()).isEqualTo("rate_limit_error");
        assertThat(body.path("error").path("message").asString()).startsWith("both_exhausted: ").contains(OPENAI_RULE);
        assertThat(r.headers().firstValue("retry-after")).isPresent();
        assertThatThrownBy(() -> anthropicSdk.messages().create(question("imperium").build()))
                .isInstanceOfSatisfying(com.anthropic.errors.RateLimitException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(429);
                    assertThat(e.apiMessage().orElseThrow()).startsWith("both_exhausted: ");
                    assertThat(e.headers().values("retry-after")).isNotEmpty();
                });
        assertThat(anthropic.requestCount() + openai.requestCount()).isEqualTo(calls);
        assertThat(alerts()).as("refusals raise no alerts of their own").hasSize(5);
        assertThat(awaitDeliveries(5)).hasSize(5);
    }

    @Test
    @Order(11)
    void guardian_isUnaffectedThroughout() {
        anthropic.enqueue(claude(30, 12));

        HttpResponse<String> r = chat("guardian");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-tollgate-provider")).contains("anthropic");
        assertThat(r.headers().firstValue("x-tollgate-routing-reason").orElseThrow()).doesNotContain("budget");
        JsonNode guardian = status("guardian");
        assertThat(provider(guardian, "anthropic").path("used").asLong()).isEqualTo(42);
        assertThat(guardian.path("chosen").path("provider").asString()).isEqualTo("anthropic");
        assertThat(alerts("guardian")).isEmpty();
        assertThat(status("imperium").path("chosen").path("provider").isNull()).as("imperium is still refused").isTrue();
    }

    // ---- clients ----

    private static HttpResponse<String> chat(String agent) {
        return chat(agent, 256);
    }

    private static HttpResponse<String> chat(String agent, Integer maxTokens) {
        String body = "{\"model\":\"" + CLAUDE + "\"," + (maxTokens == null ? "" : "\"max_tokens\":" + maxTokens + ",") + "\"temperature\":0.9,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Summarise the report.\"}]}";
        return gateway.post("/v1/chat/completions", body, "content-type", "application/json", "x-tollgate-agent", agent);
    }

    private static MessageCreateParams.Builder question(String agent) {
        return MessageCreateParams.builder().model(CLAUDE).maxTokens(256).addUserMessage("Summarise the report.")
                .putAdditionalHeader("X-Tollgate-Agent", agent);
    }

    private static MockResponse claude(long input, long output) {
        return MockResponse.json(200, AnthropicFixtures.message(CLAUDE, "Hi from Claude", "end_turn", new Tokens(input, 0, 0, output)));
    }

    private static MockResponse gpt(long input, long output) {
        return MockResponse.json(200, OpenAiFixtures.chatCompletion(GPT, "Hi from " + GPT, new Usage(input, output, 0, 0, false)));
    }

    // ---- what the user can read ----

    private static JsonNode status(String agent) {
        HttpResponse<String> r = gateway.get("/api/token-usage/provider-status/" + agent);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static JsonNode provider(JsonNode status, String provider) {
        for (JsonNode p : status.path("providers")) {
            if (provider.equals(p.path("provider").asString())) {
                return p;
            }
        }
        throw new AssertionError("no budget for " + provider + " in " + status);
    }

    private static void assertStanding(String provider, long used, long limit, double percentage, String state) {
        JsonNode p = provider(status("imperium"), provider);
        assertThat(p.path("used").asLong()).as(p.toString()).isEqualTo(used);
        assertThat(p.path("limit").asLong()).isEqualTo(limit);
        assertThat(p.path("percentage").asDouble()).isEqualTo(percentage);
        assertThat(p.path("state").asString()).isEqualTo(state);
    }

    private static void assertChosen(String provider, String model, String reason) {
        JsonNode chosen = status("imperium").path("chosen");
        assertThat(chosen.path("provider").asString()).as(chosen.toString()).isEqualTo(provider);
        assertThat(chosen.path("model").asString()).isEqualTo(model);
        assertThat(chosen.path("reason").asString()).isEqualTo(reason);
    }

    /** Imperium's alerts, newest first, once everything raised so far is stored. */
    private static List<JsonNode> alerts() {
        return alerts("imperium");
    }

    private static List<JsonNode> alerts(String agent) {
        gateway.gateway().alerts().awaitStored(Duration.ofSeconds(10));
        HttpResponse<String> r = gateway.get("/api/token-usage/alerts?agent=" + agent);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<JsonNode> out = new ArrayList<>();
        JSON.readTree(r.body()).path("data").forEach(out::add);
        return out;
    }

    /** The levels of imperium's alerts on one provider's budget, newest first. */
    private static List<String> levels(String provider) {
        return alerts().stream().filter(a -> provider.equals(a.path("scope").path("provider").asString()))
                .map(a -> a.path("level").asString()).toList();
    }

    private static void assertAlert(JsonNode a, String level, String rule, String provider, long value, long limit) {
        assertThat(a.path("type").asString()).as(a.toString()).isEqualTo("threshold");
        assertThat(a.path("level").asString()).isEqualTo(level);
        assertThat(a.path("rule_name").asString()).isEqualTo(rule);
        assertThat(a.path("agent").asString()).isEqualTo("imperium");
        assertThat(a.path("scope").path("provider").asString()).isEqualTo(provider);
        assertThat(a.path("metric").asString()).isEqualTo("tokens");
        assertThat(a.path("period").asString()).isEqualTo("month");
        assertThat(a.path("period_start").asString()).isEqualTo("2026-11-01T00:00:00Z");
        assertThat(a.path("value").asLong()).isEqualTo(value);
        assertThat(a.path("limit").asLong()).isEqualTo(limit);
    }

    /** Waits until the webhook has exactly {@code n} deliveries (every stored alert once), returned in arrival order. */
    private static List<JsonNode> awaitDeliveries(int n) {
        await().atMost(Duration.ofSeconds(10)).until(() -> hook.bodies.size() >= n);
        assertThat(hook.bodies).as("one delivery per alert, none repeated").hasSize(n);
        List<JsonNode> out = new ArrayList<>();
        hook.bodies.forEach(b -> out.add(JSON.readTree(b)));
        return out;
    }

    /** The alert webhook: a JDK HttpServer on loopback recording each body. */
    static final class Webhook implements AutoCloseable {

        final List<String> bodies = new CopyOnWriteArrayList<>();
        private final HttpServer server;

        Webhook() {
            try {
                server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.createContext("/hooks/scenario", exchange -> {
                bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/scenario";
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
