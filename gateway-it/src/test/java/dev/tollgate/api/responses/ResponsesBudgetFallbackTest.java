package dev.tollgate.api.responses;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.GatewayExtension;
import dev.tollgate.testing.MockResponse;
import dev.tollgate.testing.MockUpstream;
import dev.tollgate.testing.RecordedRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A budget's {@code prefer_fallback} on a Responses API call passed through: the fallback target gets the client's own
 * body (fields Tollgate does not model, built-in tools) with the rule's {@code model}, {@code max_tokens} and
 * {@code temperature} written into it as {@code model}, {@code max_output_tokens} and {@code temperature}.
 */
class ResponsesBudgetFallbackTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String MASTER = "sk-tollgate-test";
    private static final String BODY = "{\"model\":\"gpt-4o\",\"input\":\"Latest news?\",\"truncation\":\"auto\",\"max_output_tokens\":400,"
            + "\"temperature\":1.0,\"tools\":[{\"type\":\"web_search\"}]}";

    @RegisterExtension
    @Order(1)
    static final MockUpstream upstream = new MockUpstream();

    @RegisterExtension
    @Order(2)
    static final GatewayExtension gateway = GatewayExtension.yaml("""
            master_key: sk-tollgate-test
            providers:
              - {name: openai, kind: openai, base_url: "${UPSTREAM}", api_key: sk-a, models: [gpt-4o]}
              - {name: openai-b, kind: openai, base_url: "${UPSTREAM}", api_key: sk-b, prefix: "b/", models: [gpt-4o-mini]}
            budgets:
              - name: openai-requests
                scope: {provider: openai}
                metric: requests
                period: day
                limit: 10
                thresholds: [{at: 0.1, action: prefer_fallback}]
                fallback: {provider: openai-b, model: gpt-4o-mini, max_tokens: 50, temperature: 0.3}
            """).env("UPSTREAM", () -> upstream.baseUrl().toString());

    @Test
    void pastPreferFallback_theFallbackTargetGetsTheClientsBody_rewritten() {
        upstream.enqueue(MockResponse.json(200, answer("resp_first", "gpt-4o")));
        upstream.enqueue(MockResponse.json(200, answer("resp_second", "gpt-4o-mini")));

        HttpResponse<String> first = gateway.post("/v1/responses", BODY, "authorization", "Bearer " + MASTER);
        HttpResponse<String> second = gateway.post("/v1/responses", BODY, "authorization", "Bearer " + MASTER);

        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
        RecordedRequest toPrimary = upstream.takeRequest();
        assertThat(toPrimary.headers().get("authorization")).containsExactly("Bearer sk-a");
        assertThat(JSON.readTree(toPrimary.body()).get("max_output_tokens").asInt()).isEqualTo(400);
        RecordedRequest toFallback = upstream.takeRequest();
        assertThat(toFallback.path()).isEqualTo("/v1/responses");
        assertThat(toFallback.headers().get("authorization")).containsExactly("Bearer sk-b");
        JsonNode sent = JSON.readTree(toFallback.body());
        assertThat(sent.get("model").asString()).isEqualTo("gpt-4o-mini");
        assertThat(sent.get("max_output_tokens").asInt()).isEqualTo(50);
        assertThat(sent.get("temperature").asDouble()).isEqualTo(0.3);
        assertThat(sent.get("truncation").asString()).isEqualTo("auto");
        assertThat(sent.at("/tools/0/type").asString()).isEqualTo("web_search");
        assertThat(second.headers().firstValue("x-tollgate-provider")).contains("openai-b");
        assertThat(JSON.readTree(second.body()).get("id").asString()).isEqualTo("resp_second");
    }

    private static String answer(String id, String model) {
        return """
                {"id":"%s","object":"response","created_at":1764000000,"status":"completed","completed_at":1764000001,"error":null,
                 "incomplete_details":null,"instructions":null,"max_output_tokens":null,"model":"%s","output":[{"id":"msg_1",
                 "type":"message","status":"completed","role":"assistant","content":[{"type":"output_text","text":"Nothing new.",
                 "annotations":[],"logprobs":[]}]}],"parallel_tool_calls":true,"previous_response_id":null,"reasoning":{"effort":null,
                 "summary":null},"store":true,"temperature":1.0,"text":{"format":{"type":"text"}},"tool_choice":"auto","tools":[],
                 "top_p":1.0,"truncation":"auto","usage":{"input_tokens":20,"input_tokens_details":{"cached_tokens":0,"cache_write_tokens":0},
                 "output_tokens":3,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":23},"metadata":{}}
                """.formatted(id, model);
    }
}
