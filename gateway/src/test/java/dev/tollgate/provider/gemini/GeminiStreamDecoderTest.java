package dev.tollgate.provider.gemini;

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
 * Events follow the documented {@code streamGenerateContent?alt=sse} output: one whole
 * {@code GenerateContentResponse} per {@code data:} event, {@code \r\n\r\n} between events, early events
 * with only the prompt count, the last with {@code finishReason} and the complete usage, no {@code [DONE]}.
 */
class GeminiStreamDecoderTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final TokenCounter TOKENS = new TokenCounter();
    private static final String MODEL = "gemini-2.5-flash";
    private static final ChatRequest REQUEST = new ChatRequest(Optional.of(MODEL), true, true, Optional.empty(),
            List.of(Message.text(Role.USER, "Write a story about a magic backpack.")), List.of(), JSON.createObjectNode());

    private static final String ONE = event("""
            {"candidates":[{"content":{"parts":[{"text":"Once upon a time"}],"role":"model"},"index":0}],
             "usageMetadata":{"promptTokenCount":9,"totalTokenCount":9,"promptTokensDetails":[{"modality":"TEXT","tokenCount":9}]},
             "modelVersion":"gemini-2.5-flash","responseId":"LhVJaMKHJbTJz7IP2u7g-A0"}""");
    private static final String TWO = event("""
            {"candidates":[{"content":{"parts":[{"text":", in a town by the sea"}],"role":"model"},"index":0}],
             "usageMetadata":{"promptTokenCount":9,"totalTokenCount":9},
             "modelVersion":"gemini-2.5-flash","responseId":"LhVJaMKHJbTJz7IP2u7g-A0"}""");
    private static final String LAST = event("""
            {"candidates":[{"content":{"parts":[{"text":"."}],"role":"model"},"finishReason":"STOP","index":0}],
             "usageMetadata":{"promptTokenCount":9,"candidatesTokenCount":12,"totalTokenCount":61,"cachedContentTokenCount":4,
              "thoughtsTokenCount":40,"promptTokensDetails":[{"modality":"TEXT","tokenCount":9}]},
             "modelVersion":"gemini-2.5-flash","responseId":"LhVJaMKHJbTJz7IP2u7g-A0"}""");

    private static String event(String json) {
        return "data: " + JSON.readTree(json) + "\r\n\r\n";
    }

    private final AtomicInteger aborts = new AtomicInteger();

    private GeminiStreamDecoder decoder(String wire) {
        var in = new ByteArrayInputStream(wire.getBytes(StandardCharsets.UTF_8));
        var source = new GeminiStreamDecoder.Source(in, aborts::incrementAndGet, REQUEST, MODEL, "gemini", 1_750_000_000L);
        return new GeminiStreamDecoder(source, JSON, new GeminiResponseMapper(JSON), TOKENS);
    }

    private static List<Chunk> drain(GeminiStreamDecoder d) {
        List<Chunk> out = new ArrayList<>();
        for (Chunk c = d.next(); c != null; c = d.next()) {
            out.add(c);
        }
        return out;
    }

    private static JsonNode json(Chunk c) {
        return JSON.readTree(c.json());
    }

    @Test
    void textStream_becomesRoleContentFinishAndUsageChunks_withExactUsage() {
        GeminiStreamDecoder d = decoder(ONE + TWO + LAST);

        List<Chunk> chunks = drain(d);

        assertThat(chunks).hasSize(5);
        assertThat(json(chunks.get(0))).isEqualTo(JSON.readTree("""
                {"id":"chatcmpl-LhVJaMKHJbTJz7IP2u7g-A0","object":"chat.completion.chunk","created":1750000000,
                 "model":"gemini-2.5-flash","choices":[{"index":0,"delta":{"role":"assistant","content":"Once upon a time"},
                 "logprobs":null,"finish_reason":null}]}"""));
        assertThat(json(chunks.get(1)).at("/choices/0/delta")).isEqualTo(JSON.readTree("{\"content\":\", in a town by the sea\"}"));
        assertThat(json(chunks.get(2)).at("/choices/0/delta")).isEqualTo(JSON.readTree("{\"content\":\".\"}"));
        assertThat(json(chunks.get(3)).at("/choices/0")).isEqualTo(JSON.readTree("""
                {"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}"""));
        assertThat(json(chunks.get(4))).isEqualTo(JSON.readTree("""
                {"id":"chatcmpl-LhVJaMKHJbTJz7IP2u7g-A0","object":"chat.completion.chunk","created":1750000000,
                 "model":"gemini-2.5-flash","choices":[],
                 "usage":{"prompt_tokens":9,"completion_tokens":52,"total_tokens":61,
                   "prompt_tokens_details":{"cached_tokens":4},"completion_tokens_details":{"reasoning_tokens":40}}}"""));
        assertThat(chunks).extracting(Chunk::hasContent).containsExactly(true, true, true, false, false);
        assertThat(chunks).extracting(Chunk::usageOnly).containsExactly(false, false, false, false, true);
        assertThat(d.usage()).isEqualTo(new Usage(9, 52, 4, 0, 40, false));
        d.close();
        assertThat(aborts).hasValue(0);
    }

    @Test
    void functionCallStream_becomesAToolCallChunk_andFinishReasonToolCalls() {
        GeminiStreamDecoder d = decoder(event("""
                {"candidates":[{"content":{"parts":[{"functionCall":{"name":"get_current_weather","args":{"location":"Boston, MA"}}}],
                  "role":"model"},"finishReason":"STOP","index":0}],
                 "usageMetadata":{"promptTokenCount":30,"candidatesTokenCount":8,"totalTokenCount":38}}"""));

        List<Chunk> chunks = drain(d);

        assertThat(chunks).hasSize(3);
        assertThat(json(chunks.get(0)).at("/choices/0/delta")).isEqualTo(JSON.readTree("""
                {"role":"assistant","content":"","tool_calls":[{"index":0,"id":"call_0","type":"function",
                 "function":{"name":"get_current_weather","arguments":"{\\"location\\":\\"Boston, MA\\"}"}}]}"""));
        assertThat(chunks.get(0).hasContent()).isTrue();
        assertThat(json(chunks.get(1)).at("/choices/0/finish_reason").asString()).isEqualTo("tool_calls");
        assertThat(d.usage()).isEqualTo(new Usage(30, 8, 0, 0, false));
    }

    @Test
    void streamCutBeforeTheFinish_isBroken_andBilledForWhatWasDelivered() {
        GeminiStreamDecoder d = decoder(ONE + TWO);

        assertThat(d.next()).isNotNull();
        assertThat(d.next()).isNotNull();
        UpstreamException e = catchThrowableOfType(UpstreamException.class, d::next);

        assertThat(e.kind()).isEqualTo(UpstreamException.Kind.BROKEN);
        Usage usage = d.usage();
        assertThat(usage.estimated()).isTrue();
        assertThat(usage.inputTokens()).as("the prompt count Gemini already reported").isEqualTo(9);
        assertThat(usage.outputTokens()).isEqualTo(TOKENS.count(MODEL, "Once upon a time, in a town by the sea")).isPositive();
    }

    @Test
    void streamCutInsideAnEvent_isBroken_notMalformed() {
        String cut = ONE + LAST.substring(0, LAST.length() / 2);
        GeminiStreamDecoder d = decoder(cut);
        d.next();

        assertThat(catchThrowableOfType(UpstreamException.class, d::next).kind()).isEqualTo(UpstreamException.Kind.BROKEN);
        assertThat(d.usage().outputTokens()).isPositive();
    }

    @Test
    void malformedEvent_isAProtocolError() {
        GeminiStreamDecoder d = decoder("data: {not json\r\n\r\n" + LAST);

        assertThat(catchThrowableOfType(UpstreamException.class, d::next).kind()).isEqualTo(UpstreamException.Kind.PROTOCOL);
    }

    @Test
    void errorEventMidStream_isBroken_withItsMessage() {
        GeminiStreamDecoder d = decoder(ONE + event("""
                {"error":{"code":503,"message":"The model is overloaded. Please try again later.","status":"UNAVAILABLE"}}"""));
        d.next();

        UpstreamException e = catchThrowableOfType(UpstreamException.class, d::next);

        assertThat(e.kind()).isEqualTo(UpstreamException.Kind.BROKEN);
        assertThat(e.getMessage()).isEqualTo("upstream stream failed: The model is overloaded. Please try again later.");
    }

    @Test
    void blockedPromptAsTheFirstEvent_isA400BeforeAnyChunk() {
        GeminiStreamDecoder d = decoder(event("""
                {"promptFeedback":{"blockReason":"SAFETY"},"usageMetadata":{"promptTokenCount":7,"totalTokenCount":7}}"""));

        UpstreamException e = catchThrowableOfType(UpstreamException.class, d::next);

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.code()).isEqualTo("content_filter");
    }

    @Test
    void safetyStopMidAnswer_isFinishReasonContentFilter() {
        List<Chunk> chunks = drain(decoder(ONE + event("""
                {"candidates":[{"content":{"parts":[{"text":""}],"role":"model"},"finishReason":"SAFETY","index":0}],
                 "usageMetadata":{"promptTokenCount":9,"candidatesTokenCount":4,"totalTokenCount":13}}""")));

        assertThat(chunks.stream().map(c -> json(c).at("/choices/0/finish_reason").asString(null)).filter(r -> r != null).toList())
                .containsExactly("content_filter");
    }

    @Test
    void closingUnfinishedStream_abortsTheUpstreamCall() {
        GeminiStreamDecoder d = decoder(ONE + TWO + LAST);
        d.next();

        d.close();

        assertThat(aborts).hasValue(1);
    }

    @Test
    void eventsThatArrivedTogether_areReadyWithoutWaiting() {
        GeminiStreamDecoder d = decoder(ONE + TWO + LAST);

        d.next();

        assertThat(d.nextIsReady()).isTrue();
    }
}
