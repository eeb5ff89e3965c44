package dev.tollgate.provider.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.model.ChatRequest;
import dev.tollgate.model.EmbeddingRequest;
import dev.tollgate.model.Message;
import dev.tollgate.model.Role;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class OpenAiRequestMapperTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final OpenAiRequestMapper mapper = new OpenAiRequestMapper(JSON);

    private static final String CLIENT_BODY = """
            {
              "model": "ollama/llama3.1",
              "messages": [{"role": "user", "content": "Hello!"}],
              "temperature": 0.25,
              "logit_bias": {"50256": -100},
              "reasoning_effort": "low",
              "x_vendor_extension": [1, 2.5, "three", null, {"nested": true}],
              "metadata": {"team": "search"}
            }
            """;

    private static ObjectNode parse(String json) {
        return (ObjectNode) JSON.readTree(json);
    }

    private static ChatRequest chat(ObjectNode body, boolean stream) {
        return new ChatRequest(Optional.of(body.path("model").asString()), stream, false, Optional.empty(),
                List.of(Message.text(Role.USER, "Hello!")), List.of(), body);
    }

    private ObjectNode upstreamBody(ChatRequest request, String upstreamModel) {
        return parse(new String(mapper.body(request, upstreamModel), java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void modelIsReplacedByTheUpstreamsName() {
        ObjectNode sent = upstreamBody(chat(parse(CLIENT_BODY), false), "llama3.1");

        assertThat(sent.path("model").asString()).isEqualTo("llama3.1");
    }

    @Test
    void nonStreamingRequest_getsNoStreamOptions() {
        ObjectNode sent = upstreamBody(chat(parse(CLIENT_BODY), false), "llama3.1");

        assertThat(sent.has("stream_options")).isFalse();
    }

    @Test
    void streamingRequest_asksForUsage() {
        ObjectNode body = parse(CLIENT_BODY).put("stream", true);

        ObjectNode sent = upstreamBody(chat(body, true), "llama3.1");

        assertThat(sent.path("stream_options")).isEqualTo(parse("{\"include_usage\": true}"));
        assertThat(sent.path("stream").asBoolean()).isTrue();
    }

    @Test
    void streamingRequest_keepsTheClientsOtherStreamOptions_andOverridesIncludeUsage() {
        ObjectNode body = parse(CLIENT_BODY).put("stream", true);
        body.putObject("stream_options").put("include_usage", false).put("include_obfuscation", false);

        ObjectNode sent = upstreamBody(chat(body, true), "llama3.1");

        assertThat(sent.path("stream_options"))
                .isEqualTo(parse("{\"include_usage\": true, \"include_obfuscation\": false}"));
    }

    @Test
    void unknownFields_passThroughUnchanged() {
        ObjectNode client = parse(CLIENT_BODY);

        ObjectNode sent = upstreamBody(chat(client, true), "llama3.1");

        for (String field : List.of("messages", "temperature", "logit_bias", "reasoning_effort", "x_vendor_extension", "metadata")) {
            assertThat(sent.get(field)).as(field).isEqualTo(client.get(field));
        }
        assertThat(sent.propertyNames()).containsExactlyInAnyOrderElementsOf(
                List.of("model", "messages", "temperature", "logit_bias", "reasoning_effort", "x_vendor_extension",
                        "metadata", "stream_options"));
    }

    @Test
    void theClientsBodyObject_isNotMutated() {
        ObjectNode client = parse(CLIENT_BODY).put("stream", true);
        client.putObject("stream_options").put("include_obfuscation", false);
        JsonNode before = client.deepCopy();

        mapper.body(chat(client, true), "llama3.1");

        assertThat(client).isEqualTo(before);
        assertThat(client.path("model").asString()).isEqualTo("ollama/llama3.1");
        assertThat(client.path("stream_options").has("include_usage")).isFalse();
    }

    @Test
    void embeddingRequest_getsTheUpstreamModel_andNoStreamOptions() {
        ObjectNode client = parse("{\"model\": \"vllm/bge-m3\", \"input\": [\"a\", \"b\"], \"encoding_format\": \"float\"}");
        EmbeddingRequest request = new EmbeddingRequest(Optional.of("vllm/bge-m3"), List.of("a", "b"), Optional.empty(), client);

        ObjectNode sent = parse(new String(mapper.body(request, "bge-m3"), java.nio.charset.StandardCharsets.UTF_8));

        assertThat(sent).isEqualTo(parse("{\"model\": \"bge-m3\", \"input\": [\"a\", \"b\"], \"encoding_format\": \"float\"}"));
    }
}
