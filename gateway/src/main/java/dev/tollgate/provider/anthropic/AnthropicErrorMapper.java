package dev.tollgate.provider.anthropic;

import dev.tollgate.provider.UpstreamErrorMapper;
import dev.tollgate.provider.UpstreamErrorText;
import dev.tollgate.provider.UpstreamException;
import dev.tollgate.provider.UpstreamHeaders;
import dev.tollgate.provider.UpstreamHttp;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns an Anthropic error answer ({@code {"type":"error","error":{"type":"overloaded_error","message":…}}})
 * into an {@link UpstreamException} of kind {@code STATUS}: Anthropic's error type becomes the code,
 * its message (credentials scrubbed) the text, and {@code retry-after} and the rate-limit headers are
 * kept. 429 and 529 ({@code overloaded_error}) are retryable, as every 5xx.
 */
final class AnthropicErrorMapper implements UpstreamErrorMapper {

    private final JsonMapper json;
    private final UpstreamErrorText text;

    AnthropicErrorMapper(JsonMapper json, String providerName, String secret) {
        this.json = json;
        this.text = new UpstreamErrorText(providerName, secret);
    }

    @Override
    public UpstreamException map(int status, byte[] body, UpstreamHeaders headers) {
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
        return new UpstreamException(UpstreamException.Kind.STATUS, status, text.clean(type), UpstreamHttp.passOn(headers),
                text.answered(status, message, body));
    }

    /** The error event of a stream, which fails it mid-way. */
    UpstreamException streamError(JsonNode event) {
        JsonNode error = event.path("error");
        String type = error.path("type").asString("error");
        String message = error.path("message").asString("");
        return UpstreamException.of(UpstreamException.Kind.BROKEN, "upstream " + text.providerName() + " stream failed: "
                + text.clean(type) + (message.isEmpty() ? "" : " (" + text.clean(message) + ")"));
    }
}
