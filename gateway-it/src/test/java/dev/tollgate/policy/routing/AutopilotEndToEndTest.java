package dev.tollgate.policy.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.testing.GatewayExtension;
import dev.tollgate.testing.MockUpstream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Autopilot over real HTTP in front of an OpenAI-speaking mock: {@code auto} picks among the configured candidates,
 * capabilities keep a tools call off a model without them, every answer carries its predicted cost, the cost ceiling
 * refuses an explicit call in the caller's dialect, and {@code /v1/models} shows the catalog.
 */
class AutopilotEndToEndTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String MASTER = "sk-master-autopilot-test";
    private static final List<String> CANDIDATES = List.of("gpt-4o-mini", "gpt-4o", "gpt-3.5-turbo");

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
              models: [gpt-4o-mini, gpt-4o, gpt-3.5-turbo]
              quality: balanced
            catalog:
              gpt-4o-mini: {tools: false}
            """.formatted(MASTER)).env("UPSTREAM", () -> upstream.baseUrl().toString());

    private static HttpResponse<String> chat(String fields, String... headers) {
        String[] all = new String[headers.length + 2];
        all[0] = "Authorization";
        all[1] = "Bearer " + MASTER;
        System.arraycopy(headers, 0, all, 2, headers.length);
        return gateway.post("/v1/chat/completions", "{" + fields + "\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\"What is 2 + 2?\"}]}", all);
    }

    private static String upstreamModel() {
        return JSON.readTree(upstream.takeRequest().body()).path("model").asString();
    }

    @Test
    void auto_goesToACandidate_namesItsChoice_andCarriesThePredictedCost() {
        HttpResponse<String> r = chat("\"model\":\"auto\",", "X-Tollgate-Request-Id", "ap-auto");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String model = upstreamModel();
        assertThat(CANDIDATES).contains(model);
        String reason = r.headers().firstValue("x-tollgate-routing-reason").orElseThrow();
        assertThat(reason).startsWith("autopilot: " + model + " (router ").contains("gpt-4o-mini $").contains("gpt-4o $").contains("gpt-3.5-turbo $");
        double predicted = Double.parseDouble(r.headers().firstValue("x-tollgate-predicted-cost-usd").orElseThrow());
        assertThat(predicted).isPositive().isLessThan(0.001);
        assertThat(gateway.event("ap-auto").routingReason()).isEqualTo(reason);
    }

    @Test
    void omittedModel_onTheAnthropicDialect_isAutopilotToo() {
        HttpResponse<String> r = gateway.post("/v1/messages", "{\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "x-api-key", MASTER, "anthropic-version", "2023-06-01");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(CANDIDATES).contains(upstreamModel());
        assertThat(r.headers().firstValue("x-tollgate-routing-reason").orElseThrow()).startsWith("autopilot: ");
    }

    @Test
    void toolsCall_neverGoesToTheCandidateWithoutTools() {
        String tools = "\"model\":\"auto\",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"add\",\"parameters\":{\"type\":\"object\"}}}],";

        HttpResponse<String> r = chat(tools);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(upstreamModel()).isIn("gpt-4o", "gpt-3.5-turbo");
        assertThat(r.headers().firstValue("x-tollgate-routing-reason").orElseThrow()).contains("gpt-4o-mini: no tool calls");
    }

    @Test
    void costCeiling_autopilotPicksUnderIt() {
        HttpResponse<String> r = chat("", "X-Tollgate-Budget-Usd", "0.0001");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(Double.parseDouble(r.headers().firstValue("x-tollgate-predicted-cost-usd").orElseThrow())).isLessThanOrEqualTo(0.0001);
        assertThat(upstreamModel()).as("gpt-4o costs more than $0.0001 at 50 output tokens").isNotEqualTo("gpt-4o");
    }

    @Test
    void costCeiling_refusesAnExplicitModelAbove_inEachDialect() {
        int before = upstream.requestCount();

        HttpResponse<String> openai = chat("\"model\":\"gpt-4o\",", "X-Tollgate-Budget-Usd", "0.00001");
        HttpResponse<String> anthropic = gateway.post("/v1/messages",
                "{\"model\":\"gpt-4o\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "x-api-key", MASTER, "anthropic-version", "2023-06-01", "X-Tollgate-Budget-Usd", "0.00001");

        assertThat(openai.statusCode()).isEqualTo(400);
        JsonNode error = JSON.readTree(openai.body()).path("error");
        assertThat(error.path("code").asString()).isEqualTo("cost_ceiling_exceeded");
        assertThat(error.path("message").asString()).contains("openai/gpt-4o has a predicted worst case of $0.000").contains("ceiling of $0.00001000");
        assertThat(anthropic.statusCode()).isEqualTo(400);
        JsonNode body = JSON.readTree(anthropic.body());
        assertThat(body.path("type").asString()).isEqualTo("error");
        assertThat(body.path("error").path("message").asString()).contains("cost_ceiling_exceeded");
        assertThat(upstream.requestCount()).as("nothing reached the upstream").isEqualTo(before);
    }

    @Test
    void malformedHeaders_are400sNamingThem() {
        HttpResponse<String> ceiling = chat("\"model\":\"auto\",", "X-Tollgate-Budget-Usd", "lots");
        HttpResponse<String> quality = chat("\"model\":\"auto\",", "X-Tollgate-Quality-Preference", "best");

        assertThat(ceiling.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(ceiling.body()).path("error").path("param").asString()).isEqualTo("X-Tollgate-Budget-Usd");
        assertThat(quality.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(quality.body()).path("error").path("message").asString()).contains("expected: cost, balanced, quality");
    }

    @Test
    void models_showTheCatalog_withObservedLatency() {
        assertThat(chat("\"model\":\"gpt-3.5-turbo\",").statusCode()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode models = JSON.readTree(gateway.get("/v1/models", "Authorization", "Bearer " + MASTER).body()).path("data");
            JsonNode turbo = find(models, "gpt-3.5-turbo");
            assertThat(turbo.path("context_window").asInt()).isEqualTo(16385);
            assertThat(turbo.path("capabilities").path("tools").asBoolean()).isTrue();
            assertThat(turbo.path("capabilities").path("vision").asBoolean()).isFalse();
            assertThat(turbo.path("pricing").path("input_usd_per_million_tokens").asDouble()).isEqualTo(0.5, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(turbo.path("deployments").path(0).path("circuit").asString()).isEqualTo("closed");
            assertThat(turbo.path("deployments").path(0).path("latency").path("samples").asInt()).isPositive();
            assertThat(find(models, "gpt-4o-mini").path("capabilities").path("tools").asBoolean()).as("catalog: overrides the map").isFalse();
            assertThat(find(models, "gpt-4o").path("tier").asString()).isEqualTo("strong");
        });
    }

    private static JsonNode find(JsonNode models, String id) {
        for (JsonNode m : models) {
            if (m.path("id").asString().equals(id)) {
                return m;
            }
        }
        throw new AssertionError(id + " is not listed");
    }
}
