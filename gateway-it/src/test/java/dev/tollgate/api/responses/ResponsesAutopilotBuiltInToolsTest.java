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
import tools.jackson.databind.json.JsonMapper;

/**
 * Autopilot keeps a Responses call with OpenAI's built-in tools to candidates a provider passes through: the cheaper
 * Claude candidate (Anthropic translates) is excluded with its reason, and the call reaches OpenAI's {@code /responses}.
 */
class ResponsesAutopilotBuiltInToolsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String MASTER = "sk-tollgate-test";

    @RegisterExtension
    @Order(1)
    static final MockUpstream upstream = new MockUpstream();

    @RegisterExtension
    @Order(2)
    static final GatewayExtension gateway = GatewayExtension.yaml("""
            master_key: sk-tollgate-test
            providers:
              - {name: openai, kind: openai, base_url: "${UPSTREAM}", api_key: sk-a, models: [gpt-4o]}
              - {name: anthropic, kind: anthropic, base_url: "${UPSTREAM}", api_key: sk-b, models: [claude-haiku-4-5]}
            autopilot:
              models: [claude-haiku-4-5, gpt-4o]
              quality: cost
            """).env("UPSTREAM", () -> upstream.baseUrl().toString());

    @Test
    void builtInTools_leaveOnlyPassthroughCandidates() {
        upstream.enqueue(MockResponse.json(200, """
                {"id":"resp_auto","object":"response","created_at":1764000000,"status":"completed","model":"gpt-4o",
                 "output":[{"id":"msg_1","type":"message","status":"completed","role":"assistant","content":[{"type":"output_text",
                 "text":"Nothing new.","annotations":[]}]}],"usage":{"input_tokens":20,"input_tokens_details":{"cached_tokens":0},
                 "output_tokens":3,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":23}}
                """));

        HttpResponse<String> r = gateway.post("/v1/responses", "{\"model\":\"auto\",\"input\":\"Latest news?\",\"tools\":[{\"type\":\"web_search\"}]}",
                "authorization", "Bearer " + MASTER);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        RecordedRequest sent = upstream.takeRequest();
        assertThat(sent.path()).isEqualTo("/v1/responses");
        assertThat(JSON.readTree(sent.body()).get("model").asString()).isEqualTo("gpt-4o");
        assertThat(r.headers().firstValue("x-tollgate-routing-reason").orElseThrow())
                .startsWith("autopilot: gpt-4o").contains("claude-haiku-4-5").contains("no Responses passthrough for OpenAI's built-in tools");
    }
}
