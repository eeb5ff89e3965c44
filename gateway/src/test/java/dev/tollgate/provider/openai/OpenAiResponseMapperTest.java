package dev.tollgate.provider.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tollgate.model.Usage;
import dev.tollgate.provider.UpstreamException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class OpenAiResponseMapperTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final OpenAiResponseMapper mapper = new OpenAiResponseMapper(JSON);

    /** Shaped like the chat.completion object in OpenAI's API reference; usage sits mid-object here. */
    private static final String COMPLETION = """
            {
              "id": "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG",
              "object": "chat.completion",
              "created": 1741570283,
              "model": "o4-mini-2025-04-16",
              "choices": [
                {
                  "index": 0,
                  "message": {
                    "role": "assistant",
                    "content": "The image shows a wooden boardwalk path running through a lush green field.",
                    "refusal": null,
                    "annotations": [],
                    "tool_calls": [{"id": "call_1", "type": "function",
                                    "function": {"name": "f", "arguments": "{\\"usage\\": {\\"prompt_tokens\\": 1}}"}}]
                  },
                  "logprobs": null,
                  "finish_reason": "stop"
                }
              ],
              "usage": {
                "prompt_tokens": 1117,
                "completion_tokens": 946,
                "total_tokens": 2063,
                "prompt_tokens_details": {
                  "cached_tokens": 1024,
                  "audio_tokens": 0
                },
                "completion_tokens_details": {
                  "reasoning_tokens": 832,
                  "audio_tokens": 0,
                  "accepted_prediction_tokens": 0,
                  "rejected_prediction_tokens": 0
                }
              },
              "service_tier": "default",
              "system_fingerprint": "fp_fc9f1d7035"
            }
            """;

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void documentedCompletion_yieldsItsUsageExactly_includingCachedAndReasoningTokens() {
        assertThat(mapper.usageOf(bytes(COMPLETION))).isEqualTo(new Usage(1117, 946, 1024, 832, false));
    }

    @Test
    void usageBeforeOtherFields_andUnknownUsageFields_areHandled() {
        String body = """
                {"usage": {"prompt_tokens": 12, "future_tokens": {"x": [1, 2]}, "completion_tokens": 3},
                 "choices": [{"index": 0, "message": {"role": "assistant", "content": "hi"}}]}
                """;

        assertThat(mapper.usageOf(bytes(body))).isEqualTo(new Usage(12, 3, 0, 0, false));
    }

    @Test
    void embeddingsUsage_hasNoCompletionTokens() {
        String body = """
                {"object": "list", "data": [{"object": "embedding", "embedding": [0.0023064255, -0.009327292], "index": 0}],
                 "model": "text-embedding-3-small", "usage": {"prompt_tokens": 8, "total_tokens": 8}}
                """;

        assertThat(mapper.usageOf(bytes(body))).isEqualTo(new Usage(8, 0, 0, 0, false));
    }

    @Test
    void bodyWithoutUsage_yieldsNull() {
        String body = COMPLETION.replaceAll("(?s)\"usage\": \\{.*?\\n  },\\n", "");
        assertThat(body).doesNotContain("\"prompt_tokens\": 1117");

        assertThat(mapper.usageOf(bytes(body))).isNull();
    }

    @Test
    void nullUsage_yieldsNull() {
        assertThat(mapper.usageOf(bytes("{\"id\": \"x\", \"usage\": null}"))).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"id\": \"chatcmpl-1\", \"usage\": {\"prompt_tokens\": 1",
            "{\"id\": chatcmpl}",
            "<html><body>502 Bad Gateway</body></html>",
            "[{\"usage\": {\"prompt_tokens\": 1}}]",
            "\"usage\"",
            "42",
            ""})
    void malformedOrNonObjectBody_isAProtocolError(String body) {
        UpstreamException e = catchThrowableOfType(UpstreamException.class, () -> mapper.usageOf(bytes(body)));

        assertThat(e).as("expected a protocol error for %s", body).isNotNull();
        assertThat(e.kind()).isEqualTo(UpstreamException.Kind.PROTOCOL);
        assertThat(e.getMessage()).doesNotContain("502 Bad Gateway");
    }

    @Test
    void contentOf_concatenatesTextAndToolCalls() {
        assertThat(mapper.contentOf(bytes(COMPLETION))).isEqualTo(
                "The image shows a wooden boardwalk path running through a lush green field."
                        + "f{\"usage\": {\"prompt_tokens\": 1}}");
    }
}
