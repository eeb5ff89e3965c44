package dev.tollgate.provider.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.provider.UpstreamException;
import dev.tollgate.provider.UpstreamHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** Bodies follow Google's documented error model and the Gemini API troubleshooting page. */
class GeminiErrorMapperTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String KEY = "AIzaSyD-test-key-0123456789";
    private final GeminiErrorMapper mapper = new GeminiErrorMapper(JSON, "gemini", KEY);

    private UpstreamException map(int status, String body, UpstreamHeaders headers) {
        return mapper.map(status, body.getBytes(StandardCharsets.UTF_8), headers);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "400|INVALID_ARGUMENT|Request contains an invalid argument.",
        "403|PERMISSION_DENIED|The caller does not have permission",
        "404|NOT_FOUND|models/gemini-9 is not found for API version v1beta",
        "429|RESOURCE_EXHAUSTED|Resource has been exhausted (e.g. check quota).",
        "500|INTERNAL|An internal error has occurred.",
        "503|UNAVAILABLE|The model is overloaded. Please try again later."})
    void googleErrors_keepTheirStatus_andTheirStatusNameAsCode(int status, String name, String message) {
        UpstreamException e = map(status, "{\"error\":{\"code\":" + status + ",\"message\":\"" + message + "\",\"status\":\"" + name + "\"}}",
                UpstreamHeaders.EMPTY);

        assertThat(e.kind()).isEqualTo(UpstreamException.Kind.STATUS);
        assertThat(e.status()).isEqualTo(status);
        assertThat(e.code()).isEqualTo(name);
        assertThat(e.getMessage()).isEqualTo("upstream gemini answered " + status + ": " + message);
    }

    @Test
    void quotaExhausted_withRetryInfo_passesTheDelayOnAsRetryAfter() {
        UpstreamException e = map(429, """
                {"error":{"code":429,"message":"You exceeded your current quota.","status":"RESOURCE_EXHAUSTED","details":[
                  {"@type":"type.googleapis.com/google.rpc.QuotaFailure","violations":[{"quotaMetric":"m","quotaId":"q"}]},
                  {"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"36.5s"}]}}""", UpstreamHeaders.EMPTY);

        assertThat(e.headers()).isEqualTo(Map.of("retry-after", "37"));
        assertThat(e.retryable()).isTrue();
    }

    @Test
    void retryAfterHeaderOfTheUpstream_winsOverRetryInfo() {
        UpstreamException e = map(429, """
                {"error":{"code":429,"message":"slow down","status":"RESOURCE_EXHAUSTED","details":[
                  {"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"37s"}]}}""",
                UpstreamHeaders.of("Retry-After", "5"));

        assertThat(e.headers()).isEqualTo(Map.of("retry-after", "5"));
    }

    @Test
    void refusedApiKey_isReportedAs401_andTheKeyNeverAppears() {
        UpstreamException e = map(400, """
                {"error":{"code":400,"message":"API key not valid: AIzaSyD-test-key-0123456789. Please pass a valid API key.",
                 "status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo",
                 "reason":"API_KEY_INVALID","domain":"googleapis.com"}]}}""", UpstreamHeaders.EMPTY);

        assertThat(e.status()).isEqualTo(401);
        assertThat(e.code()).isEqualTo("INVALID_ARGUMENT");
        assertThat(e.getMessage()).doesNotContain(KEY).contains("****");
    }

    @Test
    void bodyThatIsNotGooglesShape_givesItsStartAsTheMessage() {
        UpstreamException e = map(502, "<html>Bad Gateway</html>", UpstreamHeaders.EMPTY);

        assertThat(e.status()).isEqualTo(502);
        assertThat(e.code()).isNull();
        assertThat(e.getMessage()).isEqualTo("upstream gemini answered 502: <html>Bad Gateway</html>");
    }
}
