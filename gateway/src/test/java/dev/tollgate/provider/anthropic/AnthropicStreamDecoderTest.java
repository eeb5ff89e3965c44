package dev.tollgate.provider.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tollgate.model.ChatRequest;
import dev.tollgate.model.Message;
import dev.tollgate.model.Role;
import dev.tollgate.model.Usage;
import dev.tollgate.provider.Chunk;
import dev.tollgate.provider.UpstreamException;
import dev.tollgate.usage.TokenCounter;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Event sequences follow Anthropic's streaming guide ("Basic streaming request", "Streaming request with
 * tool use") and its error event example.
 */
class AnthropicStreamDecoderTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final TokenCounter TOKENS = new TokenCounter();
    private static final String MODEL = "claude-sonnet-4-5";
    private static final ChatRequest REQUEST = new ChatRequest(Optional.of(MODEL), true, false, Optional.empty(),
            List.of(Message.text(Role.USER, "Hello")), List.of(), JSON.createObjectNode());

    private static final String START = """
            event: message_start
            data: {"type": "message_start", "message": {"id": "msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY", "type": "message", "role": "assistant", "content": [], "model": "claude-sonnet-4-5-20250929", "stop_reason": null, "stop_sequence": null, "usage": {"input_tokens": 25, "cache_creation_input_tokens": 100, "cache_read_input_tokens": 2000, "output_tokens": 1}}}

            """;
    private static final String TEXT = """
            event: content_block_start
            data: {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}

            event: ping
            data: {"type": "ping"}

            event: content_block_delta
            data: {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Hello"}}

            event: content_block_delta
            data: {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "!"}}

            event: content_block_stop
            data: {"type": "content_block_stop", "index": 0}

            """;
    private static final String END = """
            event: message_delta
            data: {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence":null}, "usage": {"output_tokens": 15}}

            event: message_stop
            data: {"type": "message_stop"}

            """;

    private final AtomicInteger aborts = new AtomicInteger();

    private AnthropicStreamDecoder decoder(String wire) {
        return decoder(wire, false);
    }

    private AnthropicStreamDecoder decoder(String wire, boolean passthrough) {
        var in = new ByteArrayInputStream(wire.getBytes(StandardCharsets.UTF_8));
        var source = new AnthropicStreamDecoder.Source(in, aborts::incrementAndGet, REQUEST, MODEL, 1_700_000_000L, passthrough);
        return new AnthropicStreamDecoder(source, JSON, TOKENS, new AnthropicErrorMapper(JSON, "anthropic", "sk-ant-secret"));
    }

    private static List<Chunk> drain(AnthropicStreamDecoder decoder) {
        List<Chunk> out = new ArrayList<>();
        for (Chunk c = decoder.next(); c != null; c = decoder.next()) {
            out.add(c);
        }
        return out;
    }

    private static JsonNode json(Chunk chunk) {
        return JSON.readTree(chunk.json());
    }

    /** The extended-thinking guide's streamed example: thinking deltas and a signature before the text. */
    private static final String THINKING = """
            event: content_block_start
            data: {"type": "content_block_start", "index": 0, "content_block": {"type": "thinking", "thinking": ""}}

            event: content_block_delta
            data: {"type": "content_block_delta", "index": 0, "delta": {"type": "thinking_delta", "thinking": "Let me solve this step by step"}}

            event: content_block_delta
            data: {"type": "content_block_delta", "index": 0, "delta": {"type": "signature_delta", "signature": "EqQBCgIYAhIM1gbcDa9GJwZA2b3h"}}

            event: content_block_stop
            data: {"type": "content_block_stop", "index": 0}

            """;

    @Test
    void passedThrough_everyEventKeepsItsDataAndName_andMessageStopIsLeftForTheRelay() {
        AnthropicStreamDecoder decoder = decoder(START + THINKING + TEXT + END, true);

        List<Chunk> chunks = drain(decoder);

        assertThat(chunks).extracting(Chunk::event).containsExactly("message_start", "content_block_start", "content_block_delta",
                "content_block_delta", "content_block_stop", "content_block_start", "ping", "content_block_delta", "content_block_delta",
                "content_block_stop", "message_delta");
        assertThat(json(chunks.get(2)).at("/delta/thinking").asString()).isEqualTo("Let me solve this step by step");
        assertThat(json(chunks.get(3)).at("/delta/signature").asString()).isEqualTo("EqQBCgIYAhIM1gbcDa9GJwZA2b3h");
        assertThat(new String(chunks.get(7).json(), StandardCharsets.UTF_8))
                .isEqualTo("{\"type\": \"content_block_delta\", \"index\": 0, \"delta\": {\"type\": \"text_delta\", \"text\": \"Hello\"}}");
        assertThat(chunks).extracting(Chunk::hasContent)
                .containsExactly(false, false, true, false, false, false, false, true, true, false, false);
        assertThat(chunks).noneMatch(Chunk::usageOnly);
        assertThat(decoder.usage()).as("exact, as translated streams are").isEqualTo(new Usage(2125, 15, 2000, 100, 0, false));
        decoder.close();
        assertThat(aborts.get()).as("read to its end").isZero();
    }

    @Test
    void passedThrough_aStreamCutMidWay_isBilledItsPromptAndTheDeliveredThinkingAndText() {
        AnthropicStreamDecoder decoder = decoder(START + THINKING + TEXT, true);

        assertThat(catchThrowableOfType(UpstreamException.class, () -> drain(decoder)).kind()).isEqualTo(UpstreamException.Kind.BROKEN);

        Usage usage = decoder.usage();
        assertThat(usage.estimated()).isTrue();
        assertThat(usage.inputTokens()).isEqualTo(2125);
        assertThat(usage.outputTokens()).isEqualTo(TOKENS.count(MODEL, "Let me solve this step by stepHello!"));
    }

    @Test
    void textStream_becomesRoleContentFinishAndUsageChunks_withExactUsage() {
        AnthropicStreamDecoder decoder = decoder(START + TEXT + END);

        List<Chunk> chunks = drain(decoder);

        assertThat(chunks).hasSize(5);
        assertThat(json(chunks.get(0))).isEqualTo(JSON.readTree("""
                {"id":"msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY","object":"chat.completion.chunk","created":1700000000,
                 "model":"claude-sonnet-4-5-20250929","choices":[{"index":0,"delta":{"role":"assistant","content":""},
                 "logprobs":null,"finish_reason":null}]}
                """));
        assertThat(chunks.get(0).hasContent()).isFalse();
        assertThat(json(chunks.get(1)).at("/choices/0/delta/content").asString()).isEqualTo("Hello");
        assertThat(json(chunks.get(2)).at("/choices/0/delta/content").asString()).isEqualTo("!");
        assertThat(chunks.get(1).hasContent()).isTrue();
        assertThat(json(chunks.get(3)).at("/choices/0/finish_reason").asString()).isEqualTo("stop");
        assertThat(chunks.get(4).usageOnly()).isTrue();
        assertThat(json(chunks.get(4))).isEqualTo(JSON.readTree("""
                {"id":"msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY","object":"chat.completion.chunk","created":1700000000,
                 "model":"claude-sonnet-4-5-20250929","choices":[],
                 "usage":{"prompt_tokens":2125,"completion_tokens":15,"total_tokens":2140,
                   "prompt_tokens_details":{"cached_tokens":2000},"completion_tokens_details":{"reasoning_tokens":0}}}
                """));
        assertThat(decoder.usage()).isEqualTo(new Usage(2125, 15, 2000, 100, 0, false));
        decoder.close();
        assertThat(aborts).as("a finished stream is not aborted").hasValue(0);
    }

    @Test
    void toolUse_isAToolCallWhoseArgumentsArriveInPieces() {
        String wire = START + """
                event: content_block_start
                data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Okay"}}

                event: content_block_stop
                data: {"type":"content_block_stop","index":0}

                event: content_block_start
                data: {"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_01T1x1fJ34qAmk2tNTrN7Up6","name":"get_weather","input":{}}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":""}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\\"location\\":"}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":" \\"San Francisco, CA\\"}"}}

                event: content_block_stop
                data: {"type":"content_block_stop","index":1}

                event: message_delta
                data: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":89}}

                event: message_stop
                data: {"type":"message_stop"}

                """;

        List<Chunk> chunks = drain(decoder(wire));

        List<JsonNode> calls = chunks.stream().map(AnthropicStreamDecoderTest::json)
                .filter(c -> c.at("/choices/0/delta/tool_calls").isArray()).map(c -> c.at("/choices/0/delta/tool_calls/0")).toList();
        assertThat(calls.getFirst()).isEqualTo(JSON.readTree("""
                {"index":0,"id":"toolu_01T1x1fJ34qAmk2tNTrN7Up6","type":"function","function":{"name":"get_weather","arguments":""}}
                """));
        StringBuilder arguments = new StringBuilder();
        calls.forEach(c -> arguments.append(c.at("/function/arguments").asString()));
        assertThat(arguments).hasToString("{\"location\": \"San Francisco, CA\"}");
        assertThat(calls).allSatisfy(c -> assertThat(c.get("index").asInt()).isZero());
        assertThat(chunks.stream().map(AnthropicStreamDecoderTest::json)
                .filter(c -> c.at("/choices/0/finish_reason").isString()).map(c -> c.at("/choices/0/finish_reason").asString()))
                .containsExactly("tool_calls");
    }

    @Test
    void cumulativeUsageInMessageDelta_replacesTheStartsCounts() {
        String end = """
                event: message_delta
                data: {"type":"message_delta","delta":{"stop_reason":"max_tokens","stop_sequence":null},"usage":{"input_tokens":30,"cache_read_input_tokens":2000,"output_tokens":40}}

                event: message_stop
                data: {"type":"message_stop"}

                """;
        AnthropicStreamDecoder decoder = decoder(START + TEXT + end);

        List<Chunk> chunks = drain(decoder);

        assertThat(decoder.usage()).isEqualTo(new Usage(2130, 40, 2000, 100, 0, false));
        assertThat(json(chunks.get(3)).at("/choices/0/finish_reason").asString()).isEqualTo("length");
    }

    @Test
    void streamCutBeforeItsEnd_isBroken_andBilledTheExactPromptAndTheDeliveredOutput() {
        AnthropicStreamDecoder decoder = decoder(START + TEXT);

        List<Chunk> before = new ArrayList<>();
        UpstreamException e = catchThrowableOfType(UpstreamException.class, () -> {
            while (true) {
                before.add(decoder.next());
            }
        });

        assertThat(before).hasSize(3);
        assertThat(e.kind()).isEqualTo(UpstreamException.Kind.BROKEN);
        Usage usage = decoder.usage();
        assertThat(usage.estimated()).isTrue();
        assertThat(usage.inputTokens()).isEqualTo(2125);
        assertThat(usage.cachedTokens()).isEqualTo(2000);
        assertThat(usage.cacheWriteTokens()).isEqualTo(100);
        assertThat(usage.outputTokens()).isEqualTo(TOKENS.count(MODEL, "Hello!"));
    }

    @Test
    void streamCutInsideAnEvent_isBroken() {
        String wire = START + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_bl";
        AnthropicStreamDecoder decoder = decoder(wire);
        decoder.next();

        UpstreamException e = catchThrowableOfType(UpstreamException.class, decoder::next);

        assertThat(e.kind()).isEqualTo(UpstreamException.Kind.BROKEN);
        assertThat(e.getMessage()).contains("cut in the middle of an event");
    }

    @Test
    void errorEvent_failsTheStream_namingAnthropicsErrorType() {
        String wire = START + TEXT + """
                event: error
                data: {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}

                """;
        AnthropicStreamDecoder decoder = decoder(wire);
        for (int i = 0; i < 3; i++) {
            decoder.next();
        }

        UpstreamException e = catchThrowableOfType(UpstreamException.class, decoder::next);

        assertThat(e.kind()).isEqualTo(UpstreamException.Kind.BROKEN);
        assertThat(e.getMessage()).isEqualTo("upstream anthropic stream failed: overloaded_error (Overloaded)");
        assertThat(decoder.usage().outputTokens()).isEqualTo(TOKENS.count(MODEL, "Hello!"));
    }

    @Test
    void noEventAtAll_isEstimatedFromThePrompt() {
        AnthropicStreamDecoder decoder = decoder("");

        assertThat(catchThrowableOfType(UpstreamException.class, decoder::next).kind()).isEqualTo(UpstreamException.Kind.BROKEN);
        assertThat(decoder.usage()).isEqualTo(Usage.estimated(TOKENS.countPrompt(MODEL, REQUEST.messages()), 0));
        assertThat(decoder.usage().inputTokens()).isPositive();
    }

    @Test
    void closingAnUnfinishedStream_abortsTheUpstreamCall() {
        AnthropicStreamDecoder decoder = decoder(START + TEXT + END);
        decoder.next();

        decoder.close();

        assertThat(aborts).hasValue(1);
    }
}
