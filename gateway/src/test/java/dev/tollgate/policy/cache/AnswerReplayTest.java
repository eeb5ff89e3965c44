package dev.tollgate.policy.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.model.Usage;
import dev.tollgate.provider.Chunk;
import dev.tollgate.provider.ChunkStream;
import dev.tollgate.provider.ProviderResponse;
import dev.tollgate.provider.Wire;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A stored answer replayed in the other form: a whole answer as a stream and a stream as a whole answer, for both
 * wires, and back again to what was stored (text, tool calls, thinking, citations, stop reasons, usage).
 */
class AnswerReplayTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final AnswerReplay replay = new AnswerReplay(JSON);
    private static final Usage USAGE = new Usage(30, 12, 5, 0, false);

    private static StoredAnswer whole(Wire wire, String body) {
        return new StoredAnswer(false, wire, body.getBytes(StandardCharsets.UTF_8), List.of(), USAGE, 0.01, "p", "m", 0, Long.MAX_VALUE);
    }

    private static StoredAnswer streamed(Wire wire, List<Chunk> chunks) {
        return new StoredAnswer(true, wire, new byte[0], chunks, USAGE, 0.01, "p", "m", 0, Long.MAX_VALUE);
    }

    private static List<Chunk> drain(ProviderResponse response) {
        ChunkStream stream = ((ProviderResponse.Streaming) response).chunks();
        List<Chunk> out = new ArrayList<>();
        for (Chunk c = stream.next(); c != null; c = stream.next()) {
            out.add(c);
        }
        return out;
    }

    private static JsonNode body(ProviderResponse response) {
        return JSON.readTree(((ProviderResponse.Complete) response).body());
    }

    @Test
    void anOpenAiCompletion_becomesChunks_andBackTheSameAnswer() {
        String completion = """
                {"id":"chatcmpl-1","object":"chat.completion","created":7,"model":"gpt-4o-mini","system_fingerprint":"fp",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"Looking it up.","refusal":null,
                   "tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}}]},
                   "logprobs":null,"finish_reason":"tool_calls"}],
                 "usage":{"prompt_tokens":30,"completion_tokens":12,"total_tokens":42}}""";

        List<Chunk> chunks = drain(replay.replay(whole(Wire.OPENAI, completion), true));

        assertThat(chunks.getLast().usageOnly()).isTrue();
        assertThat(JSON.readTree(chunks.getLast().json()).path("usage").path("total_tokens").asInt()).isEqualTo(42);
        assertThat(chunks.stream().filter(Chunk::hasContent).count()).isEqualTo(2);
        for (Chunk c : chunks) {
            JsonNode n = JSON.readTree(c.json());
            assertThat(n.path("object").asString()).isEqualTo("chat.completion.chunk");
            assertThat(n.path("id").asString()).isEqualTo("chatcmpl-1");
        }
        JsonNode back = body(replay.replay(streamed(Wire.OPENAI, chunks), false));
        JsonNode message = back.path("choices").path(0).path("message");
        assertThat(message.path("content").asString()).isEqualTo("Looking it up.");
        assertThat(message.path("tool_calls").path(0).path("function").path("arguments").asString()).isEqualTo("{\"city\":\"Paris\"}");
        assertThat(message.path("tool_calls").path(0).path("id").asString()).isEqualTo("call_1");
        assertThat(back.path("choices").path(0).path("finish_reason").asString()).isEqualTo("tool_calls");
        assertThat(back.path("usage").path("prompt_tokens").asInt()).isEqualTo(30);
        assertThat(back.path("object").asString()).isEqualTo("chat.completion");
        assertThat(back.path("model").asString()).isEqualTo("gpt-4o-mini");
    }

    @Test
    void aStreamWithoutItsUsageChunk_isReplayedWholeWithTheStoredUsage() {
        List<Chunk> chunks = List.of(
                new Chunk("{\"id\":\"c\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}".getBytes(), false, false),
                new Chunk("{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}".getBytes(), false, true),
                new Chunk("{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}".getBytes(), false, false));

        JsonNode back = body(replay.replay(streamed(Wire.OPENAI, chunks), false));

        assertThat(back.path("choices").path(0).path("message").path("content").asString()).isEqualTo("Hi");
        assertThat(back.path("usage").path("completion_tokens").asInt()).isEqualTo(12);
        assertThat(back.path("usage").path("prompt_tokens_details").path("cached_tokens").asInt()).isEqualTo(5);
    }

    @Test
    void anAnthropicMessage_becomesEvents_andBackTheSameMessage() {
        String message = """
                {"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5",
                 "content":[{"type":"thinking","thinking":"Hmm.","signature":"sig"},
                            {"type":"text","text":"Paris","citations":[{"type":"char_location","cited_text":"Paris","start_char_index":0,"end_char_index":5}]},
                            {"type":"tool_use","id":"toolu_1","name":"lookup","input":{"q":"Paris"}},
                            {"type":"redacted_thinking","data":"abc"}],
                 "stop_reason":"stop_sequence","stop_sequence":"END",
                 "usage":{"input_tokens":25,"cache_read_input_tokens":5,"output_tokens":12}}""";

        List<Chunk> events = drain(replay.replay(whole(Wire.ANTHROPIC, message), true));

        assertThat(events).extracting(Chunk::event).startsWith("message_start").endsWith("message_delta").doesNotContain("message_stop");
        assertThat(JSON.readTree(events.getFirst().json()).path("message").path("usage").path("input_tokens").asInt()).isEqualTo(25);
        JsonNode back = body(replay.replay(streamed(Wire.ANTHROPIC, events), false));
        assertThat(back).isEqualTo(JSON.readTree(message));
    }
}
