package dev.tollgate.api.responses;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.admin.BrowserScript;
import dev.tollgate.model.Usage;
import dev.tollgate.testing.GatewayExtension;
import dev.tollgate.testing.MockResponse;
import dev.tollgate.testing.MockUpstream;
import dev.tollgate.testing.OpenAiFixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The official {@code openai} Node package ({@code dashboard-tests/responses-sdk.test.mjs}) reads Tollgate's
 * translated Responses API as it reads OpenAI's: a plain response with {@code output_text} and usage, the event
 * stream to {@code response.completed}, and a function tool round trip chained with {@code previous_response_id}.
 * The upstream is an OpenAI-compatible mock answering chat completions. Skipped without Node or the package's
 * {@code node_modules}, unless {@code TOLLGATE_REQUIRE_BROWSER=1}.
 */
class ResponsesNodeSdkTest {

    private static final Path TESTS = Path.of("").toAbsolutePath().getParent().resolve("dashboard-tests");
    private static final Path ARTIFACTS = Path.of("target", "responses-node").toAbsolutePath();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @RegisterExtension
    @Order(1)
    static final MockUpstream upstream = new MockUpstream();

    @RegisterExtension
    @Order(2)
    static final GatewayExtension gateway = GatewayExtension.yaml("""
            master_key: sk-node-master
            providers:
              - {name: box, kind: openai_compatible, base_url: "${UPSTREAM}", prefix: "", models: ["gpt-*"]}
            """).env("UPSTREAM", () -> upstream.baseUrl().toString());

    private static JsonNode seen;
    private static final List<JsonNode> sent = new ArrayList<>();

    @BeforeAll
    static void runTheNodeClient() throws Exception {
        BrowserScript.requireNodeOrSkip(TESTS, "openai");
        upstream.enqueue(MockResponse.json(200, OpenAiFixtures.chatCompletion("gpt-4o-mini", "Paris.", new Usage(25, 2, 10, 0, false))));
        upstream.enqueue(MockResponse.sse(OpenAiFixtures.chunks("gpt-4o-mini", List.of("Ro", "me."), new Usage(30, 3, 0, 0, false))));
        upstream.enqueue(MockResponse.json(200, OpenAiFixtures.toolCallCompletion("gpt-4o-mini", "call_n1", "get_weather",
                "{\"city\":\"Paris\"}", new Usage(50, 8, 0, 0, false))));
        upstream.enqueue(MockResponse.json(200, OpenAiFixtures.chatCompletion("gpt-4o-mini", "It is 18C in Paris.", new Usage(70, 7, 0, 0, false))));
        seen = BrowserScript.run(TESTS, "responses-sdk.test.mjs", ARTIFACTS,
                Map.of("BASE_URL", gateway.baseUrl().toString(), "API_KEY", "sk-node-master"));
        for (int i = 0; i < 4; i++) {
            sent.add(JSON.readTree(upstream.takeRequest().body()));
        }
    }

    @Test
    void aPlainResponse_readsItsTextAndUsage() {
        assertThat(seen.at("/plain/id").asString()).startsWith("resp_");
        assertThat(seen.at("/plain/status").asString()).isEqualTo("completed");
        assertThat(seen.at("/plain/text").asString()).isEqualTo("Paris.");
        assertThat(List.of(seen.at("/plain/usage/input_tokens").asLong(), seen.at("/plain/usage/input_tokens_details/cached_tokens").asLong(),
                seen.at("/plain/usage/output_tokens").asLong())).containsExactly(25L, 10L, 2L);
        assertThat(sent.getFirst().at("/messages/0/content").asString()).isEqualTo("Be terse.");
    }

    @Test
    void theStream_isParsedToItsCompletedEvent() {
        List<String> types = new ArrayList<>();
        seen.at("/streamed/types").forEach(t -> types.add(t.asString()));
        assertThat(types.getFirst()).isEqualTo("response.created");
        assertThat(types.getLast()).isEqualTo("response.completed");
        assertThat(types).contains("response.output_text.delta", "response.output_text.done");
        assertThat(seen.at("/streamed/text").asString()).isEqualTo("Rome.");
        assertThat(seen.at("/streamed/completedText").asString()).isEqualTo("Rome.");
        assertThat(seen.at("/streamed/usage/output_tokens").asLong()).isEqualTo(3);
    }

    @Test
    void aFunctionToolRoundTrip_chainsOnThePreviousResponse() {
        assertThat(seen.at("/tool/name").asString()).isEqualTo("get_weather");
        assertThat(seen.at("/tool/callId").asString()).isEqualTo("call_n1");
        assertThat(JSON.readTree(seen.at("/tool/arguments").asString())).isEqualTo(JSON.readTree("{\"city\":\"Paris\"}"));
        assertThat(seen.at("/tool/answer").asString()).isEqualTo("It is 18C in Paris.");
        JsonNode last = sent.get(3).get("messages");
        assertThat(last.get(last.size() - 2).at("/tool_calls/0/id").asString()).isEqualTo("call_n1");
        assertThat(last.get(last.size() - 1).get("role").asString()).isEqualTo("tool");
        assertThat(last.get(last.size() - 1).get("content").asString()).isEqualTo("18C");
    }
}
