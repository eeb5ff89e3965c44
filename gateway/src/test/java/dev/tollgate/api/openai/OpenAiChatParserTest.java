package dev.tollgate.api.openai;

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
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.json.JsonMapper;

class OpenAiChatParserTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final OpenAiChatParser parser = new OpenAiChatParser(JSON);

    private static final String USER = "{\"role\":\"user\",\"content\":\"Hello!\"}";

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** A valid request with one field replaced or added. */
    private static byte[] with(String fields) {
        return utf8("{\"model\":\"gpt-4o-mini\",\"messages\":[" + USER + "]," + fields + "}");
    }

    private static byte[] withMessages(String messages) {
        return utf8("{\"model\":\"gpt-4o-mini\",\"messages\":" + messages + "}");
    }

    private static byte[] invalidUtf8() {
        byte[] head = utf8("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"caf");
        byte[] tail = utf8("\"}]}");
        byte[] out = new byte[head.length + 2 + tail.length];
        System.arraycopy(head, 0, out, 0, head.length);
        out[head.length] = (byte) 0xC3; // a lead byte followed by a byte that is no continuation
        out[head.length + 1] = (byte) 0x28;
        System.arraycopy(tail, 0, out, head.length + 2, tail.length);
        return out;
    }

    static Stream<Arguments> badRequests() {
        return Stream.of(
                Arguments.of("empty body", new byte[0], null),
                Arguments.of("not JSON", utf8("model=gpt-4o&messages=hi"), null),
                Arguments.of("truncated JSON", utf8("{\"model\":\"gpt-4o\",\"messages\":["), null),
                Arguments.of("a JSON array", utf8("[" + USER + "]"), null),
                Arguments.of("a JSON string", utf8("\"hello\""), null),
                Arguments.of("invalid UTF-8", invalidUtf8(), null),
                Arguments.of("messages missing", utf8("{\"model\":\"gpt-4o-mini\"}"), "messages"),
                Arguments.of("messages null", withMessages("null"), "messages"),
                Arguments.of("messages not an array", withMessages("\"Hello!\""), "messages"),
                Arguments.of("messages an object", withMessages(USER), "messages"),
                Arguments.of("messages empty", withMessages("[]"), "messages"),
                Arguments.of("message not an object", withMessages("[\"Hello!\"]"), "messages[0]"),
                Arguments.of("message without role", withMessages("[{\"content\":\"Hello!\"}]"), "messages[0].role"),
                Arguments.of("unknown role", withMessages("[{\"role\":\"robot\",\"content\":\"Hello!\"}]"), "messages[0].role"),
                Arguments.of("role not a string", withMessages("[{\"role\":1,\"content\":\"Hello!\"}]"), "messages[0].role"),
                Arguments.of("content a number", withMessages("[{\"role\":\"user\",\"content\":42}]"), "messages[0].content"),
                Arguments.of("content an object", withMessages("[{\"role\":\"user\",\"content\":{\"text\":\"hi\"}}]"),
                        "messages[0].content"),
                Arguments.of("user content missing", withMessages("[{\"role\":\"user\"}]"), "messages[0].content"),
                Arguments.of("content part without type", withMessages("[{\"role\":\"user\",\"content\":[{\"text\":\"hi\"}]}]"),
                        "messages[0].content[0].type"),
                Arguments.of("text part without text", withMessages("[{\"role\":\"user\",\"content\":[{\"type\":\"text\"}]}]"),
                        "messages[0].content[0].text"),
                Arguments.of("image part without url", withMessages(
                        "[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"detail\":\"low\"}}]}]"),
                        "messages[0].content[0].image_url.url"),
                Arguments.of("tool message without tool_call_id", withMessages("[" + USER + ",{\"role\":\"tool\",\"content\":\"18C\"}]"),
                        "messages[1].tool_call_id"),
                Arguments.of("tool_calls not an array", withMessages("[{\"role\":\"assistant\",\"tool_calls\":{}}]"),
                        "messages[0].tool_calls"),
                Arguments.of("model a number", utf8("{\"model\":4,\"messages\":[" + USER + "]}"), "model"),
                Arguments.of("model too long", utf8("{\"model\":\"" + "m".repeat(257) + "\",\"messages\":[" + USER + "]}"), "model"),
                Arguments.of("stream as a string", with("\"stream\":\"true\""), "stream"),
                Arguments.of("stream_options not an object", with("\"stream\":true,\"stream_options\":true"), "stream_options"),
                Arguments.of("include_usage not a boolean", with("\"stream\":true,\"stream_options\":{\"include_usage\":\"yes\"}"),
                        "stream_options.include_usage"),
                Arguments.of("max_tokens 0", with("\"max_tokens\":0"), "max_tokens"),
                Arguments.of("max_tokens negative", with("\"max_tokens\":-5"), "max_tokens"),
                Arguments.of("max_tokens \"ten\"", with("\"max_tokens\":\"ten\""), "max_tokens"),
                Arguments.of("max_tokens fractional", with("\"max_tokens\":10.5"), "max_tokens"),
                Arguments.of("max_tokens beyond int", with("\"max_tokens\":3000000000"), "max_tokens"),
                Arguments.of("max_completion_tokens 0", with("\"max_completion_tokens\":0"), "max_completion_tokens"),
                Arguments.of("temperature 3", with("\"temperature\":3"), "temperature"),
                Arguments.of("temperature negative", with("\"temperature\":-0.1"), "temperature"),
                Arguments.of("temperature a string", with("\"temperature\":\"hot\""), "temperature"),
                Arguments.of("top_p 1.5", with("\"top_p\":1.5"), "top_p"),
                Arguments.of("presence_penalty 2.5", with("\"presence_penalty\":2.5"), "presence_penalty"),
                Arguments.of("n 0", with("\"n\":0"), "n"),
                Arguments.of("n 129", with("\"n\":129"), "n"),
                Arguments.of("stop a number", with("\"stop\":7"), "stop"),
                Arguments.of("response_format a string", with("\"response_format\":\"json\""), "response_format"),
                Arguments.of("user not a string", with("\"user\":42"), "user"),
                Arguments.of("tools not an array", with("\"tools\":{\"type\":\"function\"}"), "tools"),
                Arguments.of("tool without function", with("\"tools\":[{\"type\":\"function\"}]"), "tools[0].function"),
                Arguments.of("tool function without name", with("\"tools\":[{\"type\":\"function\",\"function\":{}}]"),
                        "tools[0].function.name"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void badInput_isA400_namingTheParameterAtFault(String name, byte[] body, String param) {
        GatewayException e = catchThrowableOfType(GatewayException.class, () -> parser.parse(body));

        assertThat(e).as("%s must be rejected", name).isNotNull();
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.type()).isEqualTo("invalid_request_error");
        assertThat(e.param()).isEqualTo(param);
        if (param != null) {
            assertThat(e.getMessage()).startsWith(param + ": ");
        }
    }

    @Test
    void notJson_isExplainedWithoutEchoingTheBody() {
        String secretish = "sk-proj-0123456789abcdefghijklmnopqrstuvwxyz";

        GatewayException e = catchThrowableOfType(GatewayException.class,
                () -> parser.parse(utf8("{\"model\": '" + secretish + "'}")));

        assertThat(e.getMessage()).startsWith("request body is not valid JSON").doesNotContain(secretish);
    }

    @Test
    void invalidUtf8_isRejectedForItsEncoding() {
        GatewayException e = catchThrowableOfType(GatewayException.class, () -> parser.parse(invalidUtf8()));

        assertThat(e.getMessage()).startsWith("request body is not valid JSON").containsIgnoringCase("utf-8");
    }

    private static final String FULL = """
            {
              "model": "gpt-4o",
              "stream": true,
              "stream_options": {"include_usage": true},
              "max_completion_tokens": 300,
              "max_tokens": 9,
              "temperature": 0.2,
              "n": 1,
              "stop": ["\\n\\n"],
              "response_format": {"type": "json_object"},
              "user": "user-1234",
              "messages": [
                {"role": "developer", "content": "You are a helpful assistant."},
                {"role": "user", "name": "ada", "content": [
                  {"type": "text", "text": "What's in this image?"},
                  {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAE=", "detail": "low"}},
                  {"type": "input_audio", "input_audio": {"data": "UklGRg==", "format": "wav"}}
                ]},
                {"role": "assistant", "content": null, "tool_calls": [
                  {"id": "call_abc123", "type": "function",
                   "function": {"name": "get_weather", "arguments": "{\\"location\\":\\"Paris, France\\"}"}}
                ]},
                {"role": "tool", "tool_call_id": "call_abc123", "content": "18C and sunny"}
              ],
              "tools": [
                {"type": "function", "function": {
                  "name": "get_weather",
                  "description": "Get the current weather in a given location",
                  "parameters": {"type": "object", "properties": {"location": {"type": "string"}}, "required": ["location"]}}},
                {"type": "function", "function": {"name": "get_time"}}
              ],
              "tool_choice": "auto",
              "parallel_tool_calls": false,
              "x_future_field": {"kept": true}
            }
            """;

    @Test
    void validRequest_withToolsImagesAndStreamOptions_parsesIntoTypedFields() {
        ChatRequest request = parser.parse(utf8(FULL));

        assertThat(request.model()).contains("gpt-4o");
        assertThat(request.stream()).isTrue();
        assertThat(request.clientWantsUsage()).isTrue();
        assertThat(request.maxTokens()).as("max_completion_tokens wins over max_tokens").contains(300);

        List<Message> messages = request.messages();
        assertThat(messages).extracting(Message::role).containsExactly(Role.DEVELOPER, Role.USER, Role.ASSISTANT, Role.TOOL);
        assertThat(messages.get(0)).isEqualTo(Message.text(Role.DEVELOPER, "You are a helpful assistant."));
        assertThat(messages.get(1).name()).isEqualTo("ada");
        assertThat(messages.get(1).content()).containsExactly(
                new ContentPart.Text("What's in this image?"),
                new ContentPart.Image("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAE=", "low"),
                new ContentPart.Other("input_audio"));
        assertThat(messages.get(2).content()).isEmpty();
        assertThat(messages.get(2).toolCalls()).containsExactly(
                new ToolCall("call_abc123", "get_weather", "{\"location\":\"Paris, France\"}"));
        assertThat(messages.get(3).toolCallId()).isEqualTo("call_abc123");
        assertThat(messages.get(3).text()).isEqualTo("18C and sunny");

        assertThat(request.tools()).hasSize(2);
        ToolDefinition weather = request.tools().getFirst();
        assertThat(weather.name()).isEqualTo("get_weather");
        assertThat(weather.description()).isEqualTo("Get the current weather in a given location");
        assertThat(JSON.readTree(weather.parametersJson())).isEqualTo(JSON.readTree(
                "{\"type\":\"object\",\"properties\":{\"location\":{\"type\":\"string\"}},\"required\":[\"location\"]}"));
        assertThat(request.tools().get(1)).isEqualTo(new ToolDefinition("get_time", "", "{}"));

        assertThat(request.body()).isEqualTo(JSON.readTree(FULL));
    }

    @Test
    void includeUsage_countsOnlyForStreams() {
        ChatRequest request = parser.parse(with("\"stream\":false,\"stream_options\":{\"include_usage\":true}"));

        assertThat(request.stream()).isFalse();
        assertThat(request.clientWantsUsage()).isFalse();
    }

    @Test
    void minimalRequest_hasNoOptionalValues() {
        ChatRequest request = parser.parse(withMessages("[" + USER + "]"));

        assertThat(request.stream()).isFalse();
        assertThat(request.maxTokens()).isEmpty();
        assertThat(request.tools()).isEmpty();
        assertThat(request.messages()).containsExactly(Message.text(Role.USER, "Hello!"));
    }

    @Test
    void maxTokens_isUsedWhenMaxCompletionTokensIsAbsent() {
        assertThat(parser.parse(with("\"max_tokens\":64")).maxTokens()).isEqualTo(Optional.of(64));
    }

    @Test
    void blankOrMissingModel_isLeftToRouting() {
        assertThat(parser.parse(utf8("{\"messages\":[" + USER + "]}")).model()).isEmpty();
        assertThat(parser.parse(utf8("{\"model\":\"  \",\"messages\":[" + USER + "]}")).model()).isEmpty();
        assertThat(parser.parse(utf8("{\"model\":null,\"messages\":[" + USER + "]}")).model()).isEmpty();
    }
}
