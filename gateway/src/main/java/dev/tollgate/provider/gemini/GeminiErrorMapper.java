package dev.tollgate.provider.gemini;

import dev.tollgate.provider.UpstreamErrorMapper;
import dev.tollgate.provider.UpstreamErrorText;
import dev.tollgate.provider.UpstreamException;
import dev.tollgate.provider.UpstreamHeaders;
import dev.tollgate.provider.UpstreamHttp;
import dev.tollgate.provider.gemini.wire.GoogleError;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns a Google error answer ({@code {"error":{"code","message","status","details"}}}) into an
 * {@link UpstreamException}: the HTTP status, Google's {@code status} name as the code
 * ({@code RESOURCE_EXHAUSTED}, {@code INVALID_ARGUMENT}, …), the message with any credential scrubbed.
 * A refused API key comes as a 400 {@code INVALID_ARGUMENT} with reason {@code API_KEY_INVALID}; it is
 * reported as the 401 it means, so the client learns the gateway's credentials are at fault, not its
 * request. A {@code RetryInfo} delay becomes a {@code retry-after} header when none was sent.
 */
final class GeminiErrorMapper implements UpstreamErrorMapper {

    private static final Pattern SECONDS = Pattern.compile("(\\d+)(?:\\.(\\d+))?s");

    private final JsonMapper json;
    private final UpstreamErrorText text;

    GeminiErrorMapper(JsonMapper json, String providerName, String secret) {
        this.json = json;
        this.text = new UpstreamErrorText(providerName, secret);
    }

    @Override
    public UpstreamException map(int status, byte[] body, UpstreamHeaders headers) {
        GoogleError.Body error = parse(body);
        String message = error == null ? null : error.message();
        String code = error == null ? null : error.status();
        Map<String, String> passOn = new LinkedHashMap<>(UpstreamHttp.passOn(headers));
        int effective = status;
        if (error != null) {
            for (JsonNode detail : error.details()) {
                if ("API_KEY_INVALID".equals(detail.path("reason").asString(""))) {
                    effective = 401;
                }
                String delay = detail.path("retryDelay").asString(null);
                if (delay != null && !passOn.containsKey("retry-after")) {
                    retryAfter(delay).ifPresent(s -> passOn.put("retry-after", s));
                }
            }
        }
        return new UpstreamException(UpstreamException.Kind.STATUS, effective, text.clean(code), passOn,
                text.answered(status, message, body));
    }

    private GoogleError.Body parse(byte[] body) {
        try {
            GoogleError parsed = json.readValue(body, GoogleError.class);
            return parsed == null ? null : parsed.error();
        } catch (JacksonException e) {
            return null;
        }
    }

    /** Whole seconds, rounded up, of a protobuf Duration such as {@code "37s"} or {@code "1.5s"}. */
    private static java.util.Optional<String> retryAfter(String duration) {
        Matcher m = SECONDS.matcher(duration.strip());
        if (!m.matches()) {
            return java.util.Optional.empty();
        }
        long seconds = Long.parseLong(m.group(1)) + (m.group(2) != null && !m.group(2).chars().allMatch(c -> c == '0') ? 1 : 0);
        return java.util.Optional.of(Long.toString(seconds));
    }
}
