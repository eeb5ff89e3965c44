package dev.tollgate.api.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tollgate.model.ChatRequest;
import dev.tollgate.model.ContentPart;
import dev.tollgate.model.Message;
import dev.tollgate.model.Role;
import dev.tollgate.model.ToolCall;
import dev.tollgate.model.ToolDefinition;
import dev.tollgate.pipeline.GatewayException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.json.JsonMapper;

/** Anthropic Messages requests (shapes from the API reference and the tool-use guide) in canonical form. */
class AnthropicMessagesParserTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final AnthropicMessagesParser parser = new AnthropicMessagesParser(JSON);

    private ChatRequest parse(String body) {
        return parser.parse(body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void fullConversation_isTranslatedToTypedMessagesAndAnOpenAiBody() {
        String body = """
                {"model":"claude-sonnet-4-5","max_tokens":1024,"temperature":0.5,"top_k":40,"stop_sequences":["\\n\\nHuman:"],
                 "metadata":{"user_id":"u-1"},
                 "system":[{"type":"text","text":"You are a weather bot."},{"type":"text","text":"Be brief.","cache_control":{"type":"ephemeral"}}],
                 "tools":[{"name":"get_weather","description":"Get the current weather","input_schema":{"type":"object",
                   "properties":{"location":{"type":"string"}},"required":["location"]}}],
                 "tool_choice":{"type":"any","disable_parallel_tool_use":true},
                 "messages":[
                  {"role":"user","content":[{"type":"text","text":"Look:"},
                    {"type":"image","source":{"type":"base64","media_type":"image/jpeg","data":"/9j/4AAQ"}},
                    {"type":"image","source":{"type":"url","url":"https://upload.wikimedia.org/a.jpg"}}]},
                  {"role":"assistant","content":[{"type":"thinking","thinking":"hm","signature":"s"},{"type":"text","text":"Checking."},
                    {"type":"tool_use","id":"toolu_01A","name":"get_weather","input":{"location":"San Francisco, CA"}}]},
                  {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_01A","content":[{"type":"text","text":"15 degrees"}]},
                    {"type":"text","text":"Thanks"}]}]}
                """;

        ChatRequest request = parse(body);

        assertThat(request.model()).contains("claude-sonnet-4-5");
        assertThat(request.maxTokens()).contains(1024);
        assertThat(request.stream()).isFalse();
        assertThat(request.anthropicBody()).contains((tools.jackson.databind.node.ObjectNode) JSON.readTree(body));
        assertThat(request.messages()).containsExactly(
                Message.text(Role.SYSTEM, "You are a weather bot.\n\nBe brief."),
                new Message(Role.USER, List.of(new ContentPart.Text("Look:"), new ContentPart.Image("data:image/jpeg;base64,/9j/4AAQ", null),
                        new ContentPart.Image("https://upload.wikimedia.org/a.jpg", null)), List.of(), null, null),
                new Message(Role.ASSISTANT, List.of(new ContentPart.Text("Checking.")),
                        List.of(new ToolCall("toolu_01A", "get_weather", "{\"location\":\"San Francisco, CA\"}")), null, null),
                new Message(Role.TOOL, List.of(new ContentPart.Text("15 degrees")), List.of(), "toolu_01A", null),
                Message.text(Role.USER, "Thanks"));
        assertThat(request.tools()).containsExactly(new ToolDefinition("get_weather", "Get the current weather",
                "{\"type\":\"object\",\"properties\":{\"location\":{\"type\":\"string\"}},\"required\":[\"location\"]}"));
        assertThat(request.body()).isEqualTo(JSON.readTree("""
                {"model":"claude-sonnet-4-5",
                 "messages":[
                  {"role":"system","content":"You are a weather bot.\\n\\nBe brief."},
                  {"role":"user","content":[{"type":"text","text":"Look:"},
                    {"type":"image_url","image_url":{"url":"data:image/jpeg;base64,/9j/4AAQ"}},
                    {"type":"image_url","image_url":{"url":"https://upload.wikimedia.org/a.jpg"}}]},
                  {"role":"assistant","content":"Checking.","tool_calls":[{"id":"toolu_01A","type":"function",
                    "function":{"name":"get_weather","arguments":"{\\"location\\":\\"San Francisco, CA\\"}"}}]},
                  {"role":"tool","tool_call_id":"toolu_01A","content":"15 degrees"},
                  {"role":"user","content":[{"type":"text","text":"Thanks"}]}],
                 "max_tokens":1024,"temperature":0.5,"stop":["\\n\\nHuman:"],"user":"u-1",
                 "tools":[{"type":"function","function":{"name":"get_weather","description":"Get the current weather",
                   "parameters":{"type":"object","properties":{"location":{"type":"string"}},"required":["location"]}}}],
                 "tool_choice":"required","parallel_tool_calls":false}
                """));
    }

    @Test
    void streamingRequest_asksTheUpstreamForUsage() {
        ChatRequest request = parse("{\"model\":\"claude-haiku-4-5\",\"max_tokens\":64,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

        assertThat(request.stream()).isTrue();
        assertThat(request.body().at("/stream_options/include_usage").asBoolean()).isTrue();
        assertThat(request.messages()).containsExactly(Message.text(Role.USER, "Hi"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            {"type":"auto"}                  | "auto"
            {"type":"none"}                  | "none"
            {"type":"tool","name":"f"}       | {"type":"function","function":{"name":"f"}}
            """)
    void toolChoice_isTranslated(String choice, String expected) {
        ChatRequest request = parse("""
                {"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}],
                 "tools":[{"name":"f","input_schema":{"type":"object"}}],"tool_choice":%s}
                """.formatted(choice));

        assertThat(request.body().get("tool_choice")).isEqualTo(JSON.readTree(expected));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            {"model":"m","messages":[{"role":"user","content":"x"}]}                                     | max_tokens                 | max_tokens: missing (expected: an integer from 1 to 1000000)
            {"model":"m","max_tokens":"10","messages":[{"role":"user","content":"x"}]}                   | max_tokens                 | max_tokens: a string (expected: an integer from 1 to 1000000)
            {"model":"m","max_tokens":10}                                                                | messages                   | messages: missing (expected: an array of messages)
            {"model":"m","max_tokens":10,"messages":[{"role":"system","content":"x"}]}                   | messages[0].role           | messages[0].role: 'system' (expected: user or assistant; the system prompt goes in the top-level 'system')
            {"model":"m","max_tokens":10,"messages":[{"role":"user","content":42}]}                      | messages[0].content        | messages[0].content: 42 (expected: a string or an array of content blocks)
            {"model":"m","max_tokens":10,"messages":[{"role":"user","content":[{"text":"x"}]}]}          | messages[0].content[0].type | messages[0].content[0].type: missing (expected: a string)
            {"model":"m","max_tokens":10,"temperature":1.5,"messages":[{"role":"user","content":"x"}]}   | temperature                | temperature: 1.5 (expected: a number from 0.0 to 1.0)
            {"model":"m","max_tokens":10,"system":7,"messages":[{"role":"user","content":"x"}]}          | system                     | system: 7 (expected: a string or an array of text blocks)
            {"model":"m","max_tokens":10,"tools":[{"name":"f"}],"messages":[{"role":"user","content":"x"}]} | tools[0].input_schema    | tools[0].input_schema: null (expected: a JSON Schema object)
            {"model":"m","max_tokens":10,"tool_choice":{"type":"maybe"},"messages":[{"role":"user","content":"x"}]} | tool_choice.type | tool_choice.type: 'maybe' (expected: auto, any, tool or none)
            {"model":"m","max_tokens":10,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"file"}}]}]} | messages[0].content[0].source.type | messages[0].content[0].source.type: 'file' (expected: base64 or url)
            """)
    void badInput_isA400NamingTheParameter(String body, String param, String message) {
        GatewayException e = catchThrowableOfType(GatewayException.class, () -> parse(body));

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.param()).isEqualTo(param);
        assertThat(e.getMessage()).isEqualTo(message);
    }

    @Test
    void notJson_isA400() {
        GatewayException e = catchThrowableOfType(GatewayException.class, () -> parse("{\"model\":"));

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).startsWith("request body is not valid JSON");
    }

    @Test
    void anthropicErrorTypes_followTheStatus() {
        assertThat(List.of(400, 401, 403, 404, 413, 422, 429, 500, 502, 503, 504, 529).stream().map(AnthropicErrors::type))
                .containsExactly("invalid_request_error", "authentication_error", "permission_error", "not_found_error",
                        "request_too_large", "invalid_request_error", "rate_limit_error", "api_error", "api_error",
                        "overloaded_error", "api_error", "overloaded_error");
        assertThat(new String(new AnthropicErrors(JSON).body(GatewayException.unauthorized("invalid API key")), StandardCharsets.UTF_8))
                .isEqualTo("{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid API key\"}}");
    }
}
