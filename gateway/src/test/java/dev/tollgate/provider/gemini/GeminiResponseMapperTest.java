package dev.tollgate.provider.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tollgate.model.Usage;
import dev.tollgate.provider.UpstreamException;
import dev.tollgate.provider.gemini.wire.GenerateContentResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Answers follow the documented examples of the Gemini API reference ({@code GenerateContentResponse}
 * for text, function calling, thinking with {@code thoughtsTokenCount}, context caching with
 * {@code cachedContentTokenCount}, and a blocked prompt's {@code promptFeedback}).
 */
class GeminiResponseMapperTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final GeminiResponseMapper mapper = new GeminiResponseMapper(JSON);

    static String text(String text, int prompt, int candidates, int cached, int thoughts) {
        return """
                {"candidates":[{"content":{"parts":[{"text":%s}],"role":"model"},"finishReason":"STOP","index":0,
                  "safetyRatings":[{"category":"HARM_CATEGORY_HARASSMENT","probability":"NEGLIGIBLE"}]}],
                 "usageMetadata":{"promptTokenCount":%d,"candidatesTokenCount":%d,"totalTokenCount":%d%s%s,
                  "promptTokensDetails":[{"modality":"TEXT","tokenCount":%d}]},
                 "modelVersion":"gemini-2.5-flash","responseId":"Vb9JaOnpHbXzz7IPmOrK-Qs"}""".formatted(JSON.writeValueAsString(text),
                prompt, candidates, prompt + candidates + thoughts,
                cached > 0 ? ",\"cachedContentTokenCount\":" + cached : "", thoughts > 0 ? ",\"thoughtsTokenCount\":" + thoughts : "", prompt);
    }

    private GenerateContentResponse read(String body) {
        return mapper.read(body.getBytes(StandardCharsets.UTF_8));
    }

    private JsonNode completion(String body) {
        GenerateContentResponse response = read(body);
        Usage usage = GeminiResponseMapper.usageOf(response.usageMetadata());
        return reparsed(mapper.completion(response, "gemini-2.5-flash", 1_741_570_283L, usage == null ? Usage.NONE : usage));
    }

    /** Through text, so numbers compare by value whatever node type built them. */
    private static JsonNode reparsed(JsonNode node) {
        return JSON.readTree(node.toString());
    }

    @Test
    void textAnswer_becomesAChatCompletion_withUsageInOpenAisShape() {
        JsonNode out = completion(text("Paris.", 8, 2, 0, 0));

        assertThat(out).isEqualTo(JSON.readTree("""
                {"id":"chatcmpl-Vb9JaOnpHbXzz7IPmOrK-Qs","object":"chat.completion","created":1741570283,"model":"gemini-2.5-flash",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"Paris.","refusal":null},"logprobs":null,
                   "finish_reason":"stop"}],
                 "usage":{"prompt_tokens":8,"completion_tokens":2,"total_tokens":10,
                   "prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}}}"""));
    }

    @Test
    void cachedAndThoughtTokens_areCountedAsOpenAiCountsThem() {
        GenerateContentResponse response = read(text("42", 2_006, 300, 1_920, 64));

        Usage usage = GeminiResponseMapper.usageOf(response.usageMetadata());

        assertThat(usage).isEqualTo(new Usage(2_006, 364, 1_920, 0, 64, false));
        assertThat(usage.totalTokens()).isEqualTo(2_370).isEqualTo(response.usageMetadata().totalTokenCount());
        JsonNode out = reparsed(mapper.completion(response, "gemini-2.5-pro", 1L, usage));
        assertThat(out.get("usage")).isEqualTo(JSON.readTree("""
                {"prompt_tokens":2006,"completion_tokens":364,"total_tokens":2370,
                 "prompt_tokens_details":{"cached_tokens":1920},"completion_tokens_details":{"reasoning_tokens":64}}"""));
    }

    @Test
    void toolUsePromptTokens_countAsInput() {
        GenerateContentResponse response = read("""
                {"candidates":[{"content":{"role":"model","parts":[{"text":"ok"}]},"finishReason":"STOP"}],
                 "usageMetadata":{"promptTokenCount":10,"toolUsePromptTokenCount":5,"candidatesTokenCount":1,"totalTokenCount":16}}""");

        assertThat(GeminiResponseMapper.usageOf(response.usageMetadata())).isEqualTo(new Usage(15, 1, 0, 0, false));
    }

    @Test
    void negativeCounts_readAsNone() {
        GenerateContentResponse response = read("""
                {"candidates":[{"content":{"role":"model","parts":[{"text":"ok"}]},"finishReason":"STOP"}],
                 "usageMetadata":{"promptTokenCount":-3,"candidatesTokenCount":2,"thoughtsTokenCount":-1,"cachedContentTokenCount":-5}}""");

        assertThat(GeminiResponseMapper.usageOf(response.usageMetadata())).isEqualTo(new Usage(0, 2, 0, 0, false));
    }

    @Test
    void functionCall_becomesAToolCall_withAGeneratedId_andArgumentsAsJsonText() {
        JsonNode out = completion("""
                {"candidates":[{"content":{"role":"model","parts":[{"functionCall":{"name":"get_current_weather",
                  "args":{"location":"Boston, MA","days":[1,2]}}}]},"finishReason":"STOP","index":0}],
                 "usageMetadata":{"promptTokenCount":30,"candidatesTokenCount":8,"totalTokenCount":38}}""");

        JsonNode message = out.at("/choices/0/message");
        assertThat(message.get("content").isNull()).isTrue();
        assertThat(message.get("tool_calls")).isEqualTo(JSON.readTree("""
                [{"id":"call_0","type":"function","function":{"name":"get_current_weather",
                  "arguments":"{\\"location\\":\\"Boston, MA\\",\\"days\\":[1,2]}"}}]"""));
        assertThat(out.at("/choices/0/finish_reason").asString()).isEqualTo("tool_calls");
    }

    @Test
    void parallelCalls_thoughtSummaries_andSignatures() {
        JsonNode out = completion("""
                {"candidates":[{"content":{"role":"model","parts":[
                   {"text":"Let me think about the cities...","thought":true},
                   {"text":"Checking both."},
                   {"functionCall":{"name":"weather","args":{"city":"Paris"}},"thoughtSignature":"CiQBcsjafE1kSig="},
                   {"functionCall":{"id":"fc-7","name":"weather","args":{"city":"Rome"}}}]},
                 "finishReason":"STOP","index":0}]}""");

        JsonNode message = out.at("/choices/0/message");
        assertThat(message.get("content").asString()).isEqualTo("Checking both.");
        assertThat(message.get("tool_calls")).isEqualTo(JSON.readTree("""
                [{"id":"call_0","type":"function","function":{"name":"weather","arguments":"{\\"city\\":\\"Paris\\"}"},
                  "extra_content":{"google":{"thought_signature":"CiQBcsjafE1kSig="}}},
                 {"id":"fc-7","type":"function","function":{"name":"weather","arguments":"{\\"city\\":\\"Rome\\"}"}}]"""));
    }

    @ParameterizedTest
    @CsvSource({
        "STOP, false, stop", "STOP, true, tool_calls", "MAX_TOKENS, false, length", "SAFETY, false, content_filter",
        "RECITATION, false, content_filter", "BLOCKLIST, false, content_filter", "PROHIBITED_CONTENT, false, content_filter",
        "SPII, false, content_filter", "IMAGE_SAFETY, false, content_filter", "MALFORMED_FUNCTION_CALL, false, stop",
        "OTHER, false, stop", "FINISH_REASON_UNSPECIFIED, true, tool_calls"})
    void finishReasons_mapToOpenAis(String gemini, boolean calledFunctions, String openAi) {
        assertThat(GeminiResponseMapper.finishReason(gemini, calledFunctions)).isEqualTo(openAi);
    }

    @Test
    void answerCutForLength_isFinishReasonLength() {
        JsonNode out = completion("""
                {"candidates":[{"content":{"role":"model","parts":[{"text":"Once upon a"}]},"finishReason":"MAX_TOKENS","index":0}],
                 "usageMetadata":{"promptTokenCount":5,"candidatesTokenCount":3,"totalTokenCount":8}}""");

        assertThat(out.at("/choices/0/finish_reason").asString()).isEqualTo("length");
        assertThat(out.at("/choices/0/message/content").asString()).isEqualTo("Once upon a");
    }

    @Test
    void blockedPrompt_isA400ContentFilter_notRetried() {
        GenerateContentResponse response = read("""
                {"promptFeedback":{"blockReason":"PROHIBITED_CONTENT"},
                 "usageMetadata":{"promptTokenCount":12,"totalTokenCount":12},"modelVersion":"gemini-2.5-flash"}""");

        UpstreamException e = catchThrowableOfType(UpstreamException.class, () -> GeminiResponseMapper.checkNotBlocked(response, "gemini"));

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.code()).isEqualTo("content_filter");
        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).isEqualTo("upstream gemini refused the prompt (blockReason PROHIBITED_CONTENT)");
    }

    @Test
    void malformedAnswer_isAProtocolError() {
        assertThat(catchThrowableOfType(UpstreamException.class, () -> read("{\"candidates\":[")).kind())
                .isEqualTo(UpstreamException.Kind.PROTOCOL);
        assertThat(catchThrowableOfType(UpstreamException.class, () -> read("{\"candidates\":\"no\"}")).kind())
                .isEqualTo(UpstreamException.Kind.PROTOCOL);
    }
}
