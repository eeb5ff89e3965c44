package dev.tollgate.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tollgate.testing.GatewayExtension;
import dev.tollgate.testing.MockUpstream;
import dev.tollgate.testing.OpenAiFixtures;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /infer} over real HTTP in front of an OpenAI-speaking mock (19 input and 10 output tokens per answer):
 * each routing mode, each field, streaming, the org check and bad input.
 */
class InferTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String MASTER = "sk-master-infer-test";
    /** Per token, from the bundled price map. */
    private static final Map<String, double[]> PRICES = Map.of("gpt-4o-mini", new double[] {0.15e-6, 0.6e-6}, "gpt-4o", new double[] {2.5e-6, 10e-6});

    @RegisterExtension
    @Order(1)
    static final MockUpstream upstream = new MockUpstream();

    @RegisterExtension
    @Order(2)
    static final GatewayExtension gateway = GatewayExtension.yaml("""
            master_key: %s
            providers:
              - {name: openai, kind: openai, base_url: "${UPSTREAM}", api_key: sk-upstream}
            autopilot:
              models: [gpt-4o-mini, gpt-4o]
            """.formatted(MASTER)).env("UPSTREAM", () -> upstream.baseUrl().toString());

    private static HttpResponse<String> infer(String body, String... headers) {
        String[] all = new String[headers.length + 2];
        all[0] = "Authorization";
        all[1] = "Bearer " + MASTER;
        System.arraycopy(headers, 0, all, 2, headers.length);
        return gateway.post("/infer", body, all);
    }

    private static JsonNode ok(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static double cost(String model) {
        double[] p = PRICES.get(model);
        return 19 * p[0] + 10 * p[1];
    }

    @Test
    void autopilot_answersTheTextWithCostsSavingsAndReason() {
        JsonNode a = ok(infer("{\"prompt\":\"What is 2 + 2?\",\"max_tokens\":20}"));

        String model = a.path("model_used").asString();
        assertThat(model).isIn("gpt-4o-mini", "gpt-4o");
        assertThat(JSON.readTree(upstream.takeRequest().body()).path("model").asString()).isEqualTo(model);
        assertThat(a.path("text").asString()).isEqualTo(OpenAiFixtures.DEFAULT_ANSWER);
        assertThat(a.path("provider").asString()).isEqualTo("openai");
        assertThat(a.path("cost").asDouble()).isCloseTo(cost(model), within(1e-12));
        assertThat(a.path("estimated_cost_without_routing").asDouble()).as("the same usage at gpt-4o").isCloseTo(cost("gpt-4o"), within(1e-12));
        assertThat(a.path("savings").asDouble()).isCloseTo(cost("gpt-4o") - cost(model), within(1e-12));
        assertThat(a.path("predicted_cost").asDouble()).isGreaterThanOrEqualTo(a.path("cost").asDouble());
        assertThat(a.path("cache_hit").asBoolean()).isFalse();
        assertThat(a.path("cache_tier").asString()).isEqualTo("miss");
        assertThat(a.path("routing_reason").asString()).startsWith("autopilot: " + model + " (router ");
        assertThat(a.path("usage").path("input_tokens").asLong()).isEqualTo(19);
        assertThat(a.path("usage").path("output_tokens").asLong()).isEqualTo(10);
        assertThat(a.path("usage").path("total_tokens").asLong()).isEqualTo(29);
        assertThat(a.path("latency_ms").isIntegralNumber()).isTrue();
        var event = gateway.event(a.path("request_id").asString());
        assertThat(event.model()).isEqualTo(model);
        assertThat(event.routingFreeCostUsd()).as("the ledger keeps the routing-free cost").isCloseTo(cost("gpt-4o"), within(1e-12));
        assertThat(event.routingSavedUsd()).isCloseTo(cost("gpt-4o") - cost(model), within(1e-12));
    }

    @Test
    void analytics_reportRoutingSavings_besideCacheSavings() {
        gateway.ledger().flush(); // the other tests' calls are in the figures before, not counted as this test's
        JsonNode before = JSON.readTree(gateway.get("/analytics/cost-summary?period=24h", "Authorization", "Bearer " + MASTER).body());
        JsonNode routed = ok(infer("{\"prompt\":\"Name a prime number.\",\"max_tokens\":20}"));
        ok(infer("{\"prompt\":\"hi\",\"model_override\":\"gpt-4o-mini\"}"));

        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode after = JSON.readTree(gateway.get("/analytics/cost-summary?period=24h", "Authorization", "Bearer " + MASTER).body());
            assertThat(after.path("routing_savings_usd").asDouble() - before.path("routing_savings_usd").asDouble())
                    .as("only the autopilot call saved; the explicit one saved nothing")
                    .isCloseTo(routed.path("savings").asDouble(), within(1e-7));
            assertThat(after.has("cache_savings_usd")).isTrue();
        });
    }

    @Test
    void explicit_usesTheOverride_andSavesNothing() {
        JsonNode a = ok(infer("{\"prompt\":\"hi\",\"routing_mode\":\"explicit\",\"model_override\":\"gpt-4o\"}"));

        assertThat(JSON.readTree(upstream.takeRequest().body()).path("model").asString()).isEqualTo("gpt-4o");
        assertThat(a.path("model_used").asString()).isEqualTo("gpt-4o");
        assertThat(a.path("estimated_cost_without_routing").asDouble()).isEqualTo(a.path("cost").asDouble());
        assertThat(a.path("savings").asDouble()).isZero();
        assertThat(a.path("routing_reason").asString()).isEqualTo("explicit: openai serves gpt-4o");
    }

    @Test
    void guided_takesThePreferences_andMessagesAndMaxTokensReachTheUpstream() {
        JsonNode a = ok(infer("""
                {"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Name a colour."}],
                 "quality_preference":"quality","latency_preference":"low","latency_budget_ms":60000,"max_tokens":7}"""));

        JsonNode sent = JSON.readTree(upstream.takeRequest().body());
        assertThat(sent.path("max_tokens").asInt()).isEqualTo(7);
        assertThat(sent.path("messages").size()).isEqualTo(2);
        assertThat(sent.path("messages").path(1).path("content").asString()).isEqualTo("Name a colour.");
        assertThat(a.path("routing_reason").asString()).startsWith("autopilot: ");
        assertThat(ok(infer("{\"prompt\":\"hi\",\"routing_mode\":\"guided\",\"quality_preference\":0.3}")).path("model_used").asString())
                .isIn("gpt-4o-mini", "gpt-4o");
    }

    @Test
    void costBudget_refusesExplicitAbove_andAutopilotStaysUnder() {
        HttpResponse<String> refused = infer("{\"prompt\":\"hi\",\"model_override\":\"gpt-4o\",\"cost_budget\":0.000001}");
        JsonNode under = ok(infer("{\"prompt\":\"hi\",\"max_tokens\":10,\"cost_budget\":0.0001}"));

        assertThat(refused.statusCode()).isEqualTo(400);
        JsonNode error = JSON.readTree(refused.body()).path("error");
        assertThat(error.path("code").asString()).isEqualTo("cost_ceiling_exceeded");
        assertThat(error.path("message").asString()).contains("predicted worst case of $");
        assertThat(under.path("predicted_cost").asDouble()).isLessThanOrEqualTo(0.0001);
        assertThat(under.path("model_used").asString()).as("gpt-4o's worst case is above $0.0001").isEqualTo("gpt-4o-mini");
    }

    @Test
    void organizationId_mustBeTheKeysOrg() {
        assertThat(infer("{\"prompt\":\"hi\",\"organization_id\":\"default\"}").statusCode()).isEqualTo(200);
        HttpResponse<String> other = infer("{\"prompt\":\"hi\",\"organization_id\":\"acme\"}");

        assertThat(other.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(other.body()).path("error").path("message").asString()).contains("organization_id");
    }

    @Test
    void taskAndStep_replayFromTheWorkflowCache() {
        String body = "{\"prompt\":\"Summarise step one.\",\"task_id\":\"job-42\",\"step\":\"summary\"}";
        JsonNode first = ok(infer(body));
        int calls = upstream.requestCount();
        JsonNode second = ok(infer(body));

        assertThat(first.path("cache_hit").asBoolean()).isFalse();
        assertThat(second.path("cache_hit").asBoolean()).isTrue();
        assertThat(second.path("cache_tier").asString()).isEqualTo("workflow");
        assertThat(second.path("text").asString()).isEqualTo(OpenAiFixtures.DEFAULT_ANSWER);
        assertThat(second.path("cost").asDouble()).isZero();
        assertThat(upstream.requestCount()).isEqualTo(calls);
    }

    @Test
    void stream_sendsOpenAiChunks_thenTheAnswerEvent_thenDone() {
        HttpResponse<String> r = infer("{\"prompt\":\"hi\",\"stream\":true}");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElseThrow()).startsWith("text/event-stream");
        List<String> events = List.of(r.body().split("\n\n"));
        assertThat(events.getFirst()).startsWith("data: {").contains("chat.completion.chunk");
        String summary = events.stream().filter(e -> e.startsWith("event: tollgate.infer")).findFirst().orElseThrow();
        JsonNode a = JSON.readTree(summary.substring(summary.indexOf("data: ") + 6));
        assertThat(a.path("text").asString()).isEqualTo("Hello! How can I assist you today?");
        assertThat(a.path("model_used").asString()).isIn("gpt-4o-mini", "gpt-4o");
        assertThat(a.path("routing_reason").asString()).startsWith("autopilot: ");
        assertThat(events.getLast().strip()).isEqualTo("data: [DONE]");
    }

    @Test
    void keyWithoutTheInferScope_isRefused() {
        HttpResponse<String> issued = gateway.post("/governance/api-keys", "{\"name\":\"reader\",\"scopes\":[\"analytics\"]}",
                "Authorization", "Bearer " + MASTER);
        String key = JSON.readTree(issued.body()).path("key").asString();

        HttpResponse<String> r = gateway.post("/infer", "{\"prompt\":\"hi\"}", "Authorization", "Bearer " + key);

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(r.body()).path("error").path("message").asString()).isNotBlank();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"prompt\":\"hi\",\"temperature\":1}|temperature",
            "{\"prompt\":\"hi\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}|messages",
            "{}|prompt",
            "{\"prompt\":\"\"}|prompt",
            "{\"messages\":[]}|messages",
            "{\"prompt\":\"hi\",\"routing_mode\":\"magic\"}|routing_mode",
            "{\"prompt\":\"hi\",\"routing_mode\":\"explicit\"}|model_override",
            "{\"prompt\":\"hi\",\"routing_mode\":\"autopilot\",\"model_override\":\"gpt-4o\"}|model_override",
            "{\"prompt\":\"hi\",\"routing_mode\":\"autopilot\",\"quality_preference\":\"cost\"}|quality_preference",
            "{\"prompt\":\"hi\",\"quality_preference\":\"best\"}|quality_preference",
            "{\"prompt\":\"hi\",\"quality_preference\":1.5}|quality_preference",
            "{\"prompt\":\"hi\",\"latency_preference\":\"fast\"}|latency_preference",
            "{\"prompt\":\"hi\",\"latency_budget_ms\":0}|latency_budget_ms",
            "{\"prompt\":\"hi\",\"cost_budget\":-1}|cost_budget",
            "{\"prompt\":\"hi\",\"cost_budget\":\"a lot\"}|cost_budget",
            "{\"prompt\":\"hi\",\"max_tokens\":0}|max_tokens",
            "{\"prompt\":\"hi\",\"stream\":\"yes\"}|stream",
            "{\"prompt\":\"hi\",\"step\":\"one\"}|task_id",
            "{\"prompt\":\"hi\",\"model_override\":\"no-such-model\"}|model",
    })
    void badInput_is4xxNamingTheField(String body, String field) {
        HttpResponse<String> r = infer(body);

        assertThat(r.statusCode()).as(r.body()).isBetween(400, 404);
        JsonNode error = JSON.readTree(r.body()).path("error");
        assertThat(error.path("param").asString()).as(r.body()).isEqualTo(field);
        assertThat(error.path("message").asString()).isNotBlank();
    }

    @Test
    void notJson_is400() {
        HttpResponse<String> r = infer("{not json");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).path("error").path("message").asString()).contains("not valid JSON");
    }
}
