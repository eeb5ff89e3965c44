package dev.tollgate.provider.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tollgate.api.openai.OpenAiChatParser;
import dev.tollgate.model.ChatRequest;
import dev.tollgate.provider.UpstreamException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** OpenAI-shaped requests (parsed by the real OpenAI parser) translated to Anthropic's Messages body. */
class AnthropicRequestMapperTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final AnthropicRequestMapper mapper = new AnthropicRequestMapper(JSON);

    private static ChatRequest openAi(String body) {
        return new OpenAiChatParser(JSON).parse(body.getBytes(StandardCharsets.UTF_8));
    }

    private JsonNode translated(String openAiBody) {
        return JSON.readTree(mapper.body(openAi(openAiBody), "claude-sonnet-4-5"));
    }

    @Test
    void systemMultiTurnImagesToolsAndToolResults_areTranslated() {
        JsonNode body = translated("""
                {"model":"claude-sonnet-4-5","temperature":0.2,"top_p":0.9,"stop":"END","user":"user-42",
                 "messages":[
                  {"role":"system","content":"You are terse."},
                  {"role":"user","content":[{"type":"text","text":"What is in this image?"},
                     {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}},
                     {"type":"image_url","image_url":{"url":"https://example.com/cat.jpg"}}]},
                  {"role":"assistant","content":"A cat."},
                  {"role":"user","content":"Weather in Paris and Rome?"},
                  {"role":"assistant","content":null,"tool_calls":[
                     {"id":"toolu_01","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}},
                     {"id":"toolu_02","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Rome\\"}"}}]},
                  {"role":"tool","tool_call_id":"toolu_01","content":"18C"},
                  {"role":"tool","tool_call_id":"toolu_02","content":"24C"},
                  {"role":"user","content":"Which is warmer?"}],
                 "tools":[{"type":"function","function":{"name":"get_weather","description":"Weather of a city",
                   "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}],
                 "tool_choice":"required"}
                """);

        assertThat(body).isEqualTo(JSON.readTree("""
                {"model":"claude-sonnet-4-5","max_tokens":4096,"system":"You are terse.",
                 "messages":[
                  {"role":"user","content":[{"type":"text","text":"What is in this image?"},
                     {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}},
                     {"type":"image","source":{"type":"url","url":"https://example.com/cat.jpg"}}]},
                  {"role":"assistant","content":[{"type":"text","text":"A cat."}]},
                  {"role":"user","content":[{"type":"text","text":"Weather in Paris and Rome?"}]},
                  {"role":"assistant","content":[
                     {"type":"tool_use","id":"toolu_01","name":"get_weather","input":{"city":"Paris"}},
                     {"type":"tool_use","id":"toolu_02","name":"get_weather","input":{"city":"Rome"}}]},
                  {"role":"user","content":[
                     {"type":"tool_result","tool_use_id":"toolu_01","content":"18C"},
                     {"type":"tool_result","tool_use_id":"toolu_02","content":"24C"},
                     {"type":"text","text":"Which is warmer?"}]}],
                 "tools":[{"name":"get_weather","description":"Weather of a city",
                   "input_schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}],
                 "tool_choice":{"type":"any"},
                 "stop_sequences":["END"],"temperature":0.2,"top_p":0.9,"metadata":{"user_id":"user-42"}}
                """));
    }

    @Test
    void clientsMaxTokensAndStream_areKept_andSeveralSystemMessagesBecomeBlocks() {
        JsonNode body = translated("""
                {"model":"m","max_completion_tokens":300,"stream":true,"stop":["a","b"],
                 "messages":[{"role":"system","content":"One."},{"role":"developer","content":"Two."},{"role":"user","content":"hi"}]}
                """);

        assertThat(body.get("max_tokens").asInt()).isEqualTo(300);
        assertThat(body.get("stream").asBoolean()).isTrue();
        assertThat(body.get("system")).isEqualTo(JSON.readTree("[{\"type\":\"text\",\"text\":\"One.\"},{\"type\":\"text\",\"text\":\"Two.\"}]"));
        assertThat(body.get("stop_sequences")).isEqualTo(JSON.readTree("[\"a\",\"b\"]"));
        assertThat(body.get("messages")).isEqualTo(JSON.readTree("[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}]"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            "auto"                                                  | true  | {"type":"auto","disable_parallel_tool_use":true}
            "none"                                                  | false | {"type":"none"}
            "required"                                              | false | {"type":"any"}
            {"type":"function","function":{"name":"get_weather"}}   | false | {"type":"tool","name":"get_weather"}
            """)
    void toolChoice_isMapped(String choice, boolean noParallel, String expected) {
        JsonNode body = translated("""
                {"model":"m","messages":[{"role":"user","content":"hi"}],
                 "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}],
                 "tool_choice":%s %s}
                """.formatted(choice, noParallel ? ",\"parallel_tool_calls\":false" : ""));

        assertThat(body.get("tool_choice")).isEqualTo(JSON.readTree(expected));
    }

    @Test
    void anthropicClientsBody_isForwardedAsItIs_withTheUpstreamModel() {
        ObjectNode original = (ObjectNode) JSON.readTree("""
                {"model":"fast","max_tokens":1024,"system":[{"type":"text","text":"Long context","cache_control":{"type":"ephemeral"}}],
                 "thinking":{"type":"enabled","budget_tokens":2048},"top_k":5,
                 "messages":[{"role":"user","content":"hi"}]}
                """);
        ChatRequest request = new ChatRequest(Optional.of("fast"), false, false, Optional.of(1024), java.util.List.of(),
                java.util.List.of(), JSON.createObjectNode(), Optional.of(original));

        JsonNode body = JSON.readTree(mapper.body(request, "claude-sonnet-4-5"));

        ObjectNode expected = original.deepCopy().put("model", "claude-sonnet-4-5");
        assertThat(body).isEqualTo(expected);
        assertThat(original.get("model").asString()).as("the client's body is not changed").isEqualTo("fast");
    }

    @Test
    void contentAnthropicCannotTake_isA400NamingThePart() {
        UpstreamException e = catchThrowableOfType(UpstreamException.class, () -> translated("""
                {"model":"m","messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"AAAA","format":"wav"}}]}]}
                """));

        assertThat(e.kind()).isEqualTo(UpstreamException.Kind.STATUS);
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).isEqualTo("messages[0].content[0]: content of type 'input_audio' cannot be translated for Anthropic");
    }

    @Test
    void toolArgumentsThatAreNotAnObject_areA400() {
        UpstreamException e = catchThrowableOfType(UpstreamException.class, () -> translated("""
                {"model":"m","messages":[{"role":"user","content":"hi"},{"role":"assistant","tool_calls":[
                  {"id":"t1","type":"function","function":{"name":"f","arguments":"[1,2"}}]}]}
                """));

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).startsWith("messages[1].tool_calls[0].function.arguments:");
    }
}
