package dev.tollgate.provider.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.provider.UpstreamException;
import dev.tollgate.provider.UpstreamHeaders;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** Error bodies as on Anthropic's errors page. */
class AnthropicErrorMapperTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String SECRET = "sk-ant-api03-secret";
    private final AnthropicErrorMapper mapper = new AnthropicErrorMapper(JSON, "anthropic", SECRET);

    @ParameterizedTest
    @CsvSource({
            "400, invalid_request_error, false",
            "401, authentication_error, false",
            "403, permission_error, false",
            "404, not_found_error, false",
            "413, request_too_large, false",
            "429, rate_limit_error, true",
            "500, api_error, true",
            "529, overloaded_error, true"})
    void errorBodies_becomeStatusFailures_withAnthropicsTypeAsCode(int status, String type, boolean retryable) {
        String body = "{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":\"Something about it\"},\"request_id\":\"req_1\"}";

        UpstreamException e = mapper.map(status, body.getBytes(StandardCharsets.UTF_8), UpstreamHeaders.EMPTY);

        assertThat(e.kind()).isEqualTo(UpstreamException.Kind.STATUS);
        assertThat(e.status()).isEqualTo(status);
        assertThat(e.code()).isEqualTo(type);
        assertThat(e.retryable()).isEqualTo(retryable);
        assertThat(e.getMessage()).isEqualTo("upstream anthropic answered " + status + ": Something about it");
    }

    @Test
    void retryAfterAndRateLimitHeaders_arePassedOn_andTheKeyNeverShows() {
        UpstreamHeaders headers = UpstreamHeaders.of("retry-after", "12", "anthropic-ratelimit-requests-remaining", "0",
                "x-api-key", SECRET, "set-cookie", "a=b");
        String body = "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid x-api-key " + SECRET + "\"}}";

        UpstreamException e = mapper.map(429, body.getBytes(StandardCharsets.UTF_8), headers);

        assertThat(e.headers()).containsOnlyKeys("retry-after", "anthropic-ratelimit-requests-remaining");
        assertThat(e.getMessage()).doesNotContain(SECRET).endsWith("invalid x-api-key ****");
    }

    @Test
    void aBodyThatIsNotJson_isQuotedShortly() {
        UpstreamException e = mapper.map(502, "<html>Bad gateway</html>".getBytes(StandardCharsets.UTF_8), UpstreamHeaders.EMPTY);

        assertThat(e.code()).isNull();
        assertThat(e.getMessage()).isEqualTo("upstream anthropic answered 502: <html>Bad gateway</html>");
    }
}
