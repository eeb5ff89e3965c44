package dev.tollgate.api.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.model.Usage;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** OpenAI {@code chat.completion} bodies (the gateway's inner answers) written as Anthropic {@code message}s. */
class AnthropicResponseWriterTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final AnthropicResponseWriter writer = new AnthropicResponseWriter(JSON);

    private JsonNode write(String completion, Usage usage) {
        return JSON.readTree(writer.message(completion.getBytes(StandardCharsets.UTF_8), usage, "fallback-model"));
    }

    @Test
    void textAnswer_becomesAMessage_withUsageSplitTheAnthropicWay() {
        JsonNode message = write("""
                {"id":"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG","object":"chat.completion","created":1741570283,"model":"gpt-4o-2024-08-06",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"Hello there.","refusal":null},"logprobs":null,"finish_reason":"length"}],
                 "usage":{"prompt_tokens":2006,"completion_tokens":300,"total_tokens":2306,"prompt_tokens_details":{"cached_tokens":1920}}}
                """, new Usage(2006, 300, 1920, 0, false));

        assertThat(message).isEqualTo(JSON.readTree("""
                {"id":"msg_chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG","type":"message","role":"assistant","model":"gpt-4o-2024-08-06",
                 "content":[{"type":"text","text":"Hello there."}],"stop_reason":"max_tokens","stop_sequence":null,
                 "usage":{"input_tokens":86,"cache_creation_input_tokens":0,"cache_read_input_tokens":1920,"output_tokens":300}}
                """));
    }

    @Test
    void toolCalls_becomeToolUseBlocks_andBrokenArgumentsStayVisible() {
        JsonNode message = write("""
                {"id":"msg_01","model":"claude-sonnet-4-5","choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[
                   {"id":"toolu_1","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}},
                   {"id":"call_2","type":"function","function":{"name":"lookup","arguments":"{not json"}}]},"finish_reason":"tool_calls"}]}
                """, new Usage(100, 20, 0, 30, 0, false));

        assertThat(message.get("id").asString()).isEqualTo("msg_01");
        assertThat(message.get("content")).isEqualTo(JSON.readTree("""
                [{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}},
                 {"type":"tool_use","id":"call_2","name":"lookup","input":{"_arguments":"{not json"}}]
                """));
        assertThat(message.get("stop_reason").asString()).isEqualTo("tool_use");
        assertThat(message.get("usage")).isEqualTo(JSON.readTree("""
                {"input_tokens":70,"cache_creation_input_tokens":30,"cache_read_input_tokens":0,"output_tokens":20}
                """));
    }

    @Test
    void refusalAndEmptyAnswers_areWrittenAsAnthropicWould() {
        JsonNode refused = write("""
                {"id":"x","model":"m","choices":[{"message":{"role":"assistant","content":null,"refusal":"I can't help with that."},
                  "finish_reason":"content_filter"}]}
                """, Usage.NONE);
        JsonNode empty = write("{\"id\":\"y\",\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":\"stop\"}]}", Usage.NONE);

        assertThat(refused.get("content")).isEqualTo(JSON.readTree("[{\"type\":\"text\",\"text\":\"I can't help with that.\"}]"));
        assertThat(refused.get("stop_reason").asString()).isEqualTo("refusal");
        assertThat(empty.get("content")).isEmpty();
        assertThat(empty.get("model").asString()).isEqualTo("fallback-model");
        assertThat(empty.get("stop_reason").asString()).isEqualTo("end_turn");
    }
}
