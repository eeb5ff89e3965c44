package dev.tollgate.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which upstream refusals say the prompt was too long for the model (a larger one may take it), in each provider's words. */
class UpstreamExceptionTest {

    private static UpstreamException status(int status, String code, String message) {
        return new UpstreamException(UpstreamException.Kind.STATUS, status, code, Map.of(), message);
    }

    @Test
    void eachProvidersContextLengthRefusal_isRecognised() {
        assertThat(status(400, "context_length_exceeded", "upstream openai answered 400: This model's maximum context length is 128000 tokens")
                .contextLengthExceeded()).isTrue();
        assertThat(status(400, "invalid_request_error", "upstream anthropic answered 400: prompt is too long: 210000 tokens > 200000 maximum")
                .contextLengthExceeded()).isTrue();
        assertThat(status(400, "INVALID_ARGUMENT", "upstream gemini answered 400: The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).")
                .contextLengthExceeded()).isTrue();
        assertThat(status(400, null, "upstream vllm answered 400: This model's maximum context length is 8192 tokens. However, you requested 9000 tokens")
                .contextLengthExceeded()).isTrue();
    }

    @Test
    void otherRefusals_andOtherKinds_areNot() {
        assertThat(status(400, "invalid_value", "upstream openai answered 400: temperature must be at most 2").contextLengthExceeded()).isFalse();
        assertThat(status(429, "rate_limit_exceeded", "too many tokens per minute").contextLengthExceeded()).isFalse();
        assertThat(status(500, "context_length_exceeded", "odd").contextLengthExceeded()).isFalse();
        assertThat(UpstreamException.of(UpstreamException.Kind.BROKEN, "prompt is too long").contextLengthExceeded()).isFalse();
    }
}
