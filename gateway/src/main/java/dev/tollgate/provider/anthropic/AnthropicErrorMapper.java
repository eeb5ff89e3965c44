package dev.tollgate.provider.anthropic;

import dev.tollgate.provider.UpstreamException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns an Anthropic error answer ({@code {"type":"error","error":{"type":"overloaded_error","message":…}}})
 * into an {@link UpstreamException} of kind {@code STATUS}: Anthropic's error type becomes the code,
 * its message (credentials scrubbed) the text, and {@code retry-after} and the rate-limit headers are
 * kept. 429 and 529 ({@code overloaded_error}) are retryable, as every 5xx.
 */
final class AnthropicErrorMapper {

    private static final int MAX_MESSAGE_CHARS = 1000;

    private final JsonMapper json;
    private final String providerName;
    private final String secret;

    AnthropicErrorMapper(JsonMapper json, String providerName, String secret) {
        this.json = json;
        this.providerName = providerName;
        this.secret = secret;
    }

    UpstreamException map(int status, byte[] body, HttpFields headers) {
        String message = null;
        String type = null;
        try {
            JsonNode error = json.readTree(body).path("error");
            if (error.isObject()) {
                message = error.path("message").asString(null);
                type = error.path("type").asString(null);
            }
        } catch (JacksonException e) {
            message = null;
        }
        if (message == null) {
            message = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8).strip();
        }
        String text = "upstream " + providerName + " answered " + status + (message.isEmpty() ? "" : ": " + clean(message));
        return new UpstreamException(UpstreamException.Kind.STATUS, status, type == null ? null : clean(type), passOn(headers), text);
    }

    /** The error event of a stream, which fails it mid-way. */
    UpstreamException streamError(JsonNode event) {
        JsonNode error = event.path("error");
        String type = error.path("type").asString("error");
        String message = error.path("message").asString("");
        return UpstreamException.of(UpstreamException.Kind.BROKEN, "upstream " + providerName + " stream failed: " + clean(type)
                + (message.isEmpty() ? "" : " (" + clean(message) + ")"));
    }

    private String clean(String text) {
        String out = secret == null || secret.isEmpty() ? text : text.replace(secret, "****");
        return out.length() > MAX_MESSAGE_CHARS ? out.substring(0, MAX_MESSAGE_CHARS) + "…" : out;
    }

    private static Map<String, String> passOn(HttpFields headers) {
        Map<String, String> out = new LinkedHashMap<>();
        for (HttpField field : headers) {
            String name = field.getLowerCaseName();
            if (name.equals("retry-after") || name.startsWith("anthropic-ratelimit-") || name.startsWith("x-ratelimit-")) {
                out.put(name, field.getValue());
            }
        }
        return out;
    }
}
