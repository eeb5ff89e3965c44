package dev.tollgate.provider.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tollgate.model.Usage;
import dev.tollgate.provider.UpstreamException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Anthropic {@code message} bodies, as in the Messages API reference, translated to OpenAI's {@code chat.completion}. */
class AnthropicResponseMapperTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final AnthropicResponseMapper mapper = new AnthropicResponseMapper(JSON,
            Clock.fixed(Instant.ofEpochSecond(1_741_570_283L), ZoneOffset.UTC));

    private AnthropicResponseMapper.Translated map(String body) {
        return mapper.completion(body.getBytes(StandardCharsets.UTF_8), delivered -> dev.tollgate.model.Usage.estimated(1, delivered.length()));
    }

    @Test
    void textMessageWithPromptCache_becomesACompletion_withTheWholePromptAsInput() {
        AnthropicResponseMapper.Translated out = map("""
                {"content":[{"text":"Hi! My name is Claude.","type":"text"}],"id":"msg_013Zva2CMHLNnXjNJJKqJ2EF",
                 "model":"claude-sonnet-4-5-20250929","role":"assistant","stop_reason":"end_turn","stop_sequence":null,"type":"message",
                 "usage":{"input_tokens":2095,"cache_creation_input_tokens":1000,"cache_read_input_tokens":4000,"output_tokens":503,
                   "service_tier":"standard"}}
                """);

        assertThat(out.usage()).isEqualTo(new Usage(7095, 503, 4000, 1000, 0, false));
        assertThat(JSON.readTree(out.body())).isEqualTo(JSON.readTree("""
                {"id":"msg_013Zva2CMHLNnXjNJJKqJ2EF","object":"chat.completion","created":1741570283,
                 "model":"claude-sonnet-4-5-20250929",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"Hi! My name is Claude.","refusal":null},
                   "logprobs":null,"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":7095,"completion_tokens":503,"total_tokens":7598,
                   "prompt_tokens_details":{"cached_tokens":4000},"completion_tokens_details":{"reasoning_tokens":0}}}
                """));
    }

    @Test
    void toolUse_becomesToolCalls_withTheInputAsAJsonString() {
        JsonNode body = JSON.readTree(map("""
                {"id":"msg_01Aq9w938a90dw8q","model":"claude-sonnet-4-5","stop_reason":"tool_use","role":"assistant","type":"message",
                 "content":[{"type":"text","text":"I'll check the weather."},
                   {"type":"thinking","thinking":"…","signature":"sig"},
                   {"type":"tool_use","id":"toolu_01A09q90qw90lq917835lq9","name":"get_weather","input":{"location":"San Francisco, CA","unit":"celsius"}}],
                 "usage":{"input_tokens":384,"output_tokens":92}}
                """).body());

        JsonNode message = body.at("/choices/0/message");
        assertThat(message.get("content").asString()).isEqualTo("I'll check the weather.");
        assertThat(message.get("tool_calls")).isEqualTo(JSON.readTree("""
                [{"id":"toolu_01A09q90qw90lq917835lq9","type":"function",
                  "function":{"name":"get_weather","arguments":"{\\"location\\":\\"San Francisco, CA\\",\\"unit\\":\\"celsius\\"}"}}]
                """));
        assertThat(body.at("/choices/0/finish_reason").asString()).isEqualTo("tool_calls");
        assertThat(body.at("/usage/prompt_tokens").asLong()).isEqualTo(384);
    }

    @Test
    void toolUseWithoutText_hasNullContent() {
        JsonNode body = JSON.readTree(map("""
                {"id":"msg_1","model":"claude-haiku-4-5","stop_reason":"tool_use","type":"message","role":"assistant",
                 "content":[{"type":"tool_use","id":"toolu_1","name":"f","input":{}}],"usage":{"input_tokens":10,"output_tokens":5}}
                """).body());

        assertThat(body.at("/choices/0/message/content").isNull()).isTrue();
        assertThat(body.at("/choices/0/message/tool_calls/0/function/arguments").asString()).isEqualTo("{}");
    }

    @ParameterizedTest
    @CsvSource({"end_turn,stop", "stop_sequence,stop", "max_tokens,length", "tool_use,tool_calls", "refusal,content_filter",
            "pause_turn,stop", "model_context_window_exceeded,length", "some_future_reason,stop"})
    void stopReasons_mapToFinishReasons(String stopReason, String finishReason) {
        JsonNode body = JSON.readTree(map("""
                {"id":"msg_1","model":"m","type":"message","role":"assistant","content":[{"type":"text","text":"x"}],
                 "stop_reason":"%s","usage":{"input_tokens":1,"output_tokens":1}}
                """.formatted(stopReason)).body());

        assertThat(body.at("/choices/0/finish_reason").asString()).isEqualTo(finishReason);
    }

    @Test
    void malformedOrForeignBodies_areProtocolErrors() {
        assertThat(catchThrowableOfType(UpstreamException.class, () -> map("{\"id\":")).kind())
                .isEqualTo(UpstreamException.Kind.PROTOCOL);
        assertThat(catchThrowableOfType(UpstreamException.class, () -> map("{\"choices\":[]}")).kind())
                .isEqualTo(UpstreamException.Kind.PROTOCOL);
    }

    @Test
    void passthrough_keepsThinkingCitationsAndTheStopSequence_byteForByte_andReadsTheUsage() {
        String message = """
                {"id":"msg_01","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[
                 {"type":"thinking","thinking":"Let me analyze this step by step...","signature":"WaUjzkypQ2mUEVM36O2TxuC06KN8xyfbJwyem2dw3URve"},
                 {"type":"text","text":"the grass is green","citations":[{"type":"char_location","cited_text":"The grass is green.",
                  "document_index":0,"document_title":"Example Document","start_char_index":0,"end_char_index":20}]}],
                 "stop_reason":"stop_sequence","stop_sequence":"\\n\\nEND",
                 "usage":{"input_tokens":10,"cache_creation_input_tokens":5,"cache_read_input_tokens":100,"output_tokens":42}}
                """;
        byte[] body = message.getBytes(java.nio.charset.StandardCharsets.UTF_8);

        AnthropicResponseMapper.Translated kept = mapper.passthrough(body, d -> dev.tollgate.model.Usage.estimated(1, d.length()));

        assertThat(kept.body()).isSameAs(body);
        assertThat(kept.usage()).isEqualTo(new dev.tollgate.model.Usage(115, 42, 100, 5, 0, false));
        assertThat(catchThrowableOfType(UpstreamException.class, () -> mapper.passthrough("[]".getBytes(java.nio.charset.StandardCharsets.UTF_8), d -> dev.tollgate.model.Usage.NONE))
                .kind()).isEqualTo(UpstreamException.Kind.PROTOCOL);
    }
}
