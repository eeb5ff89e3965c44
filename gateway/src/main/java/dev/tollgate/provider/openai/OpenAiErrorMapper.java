package dev.tollgate.provider.openai;

import dev.tollgate.provider.UpstreamException;
import dev.tollgate.provider.UpstreamHttp;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns an upstream error answer into an {@link UpstreamException}: the upstream's message and code when
 * it sent OpenAI's error shape, with any credential scrubbed out, and the headers worth passing on.
 */
final class OpenAiErrorMapper {

    private static final int MAX_MESSAGE_CHARS = 1000;

    private final JsonMapper json;
    private final String providerName;
    private final String secret;

    OpenAiErrorMapper(JsonMapper json, String providerName, String secret) {
        this.json = json;
        this.providerName = providerName;
        this.secret = secret;
    }

    UpstreamException map(int status, byte[] body, HttpFields headers) {
        String message = null;
        String code = null;
        try {
            JsonNode error = json.readTree(body).path("error");
            if (error.isObject()) {
                message = error.path("message").asString(null);
                code = error.hasNonNull("code") ? error.get("code").asString() : error.path("type").asString(null);
            } else if (error.isString()) {
                message = error.asString();
            }
        } catch (JacksonException e) {
            message = null;
        }
        if (message == null) {
            message = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8).strip();
        }
        String text = "upstream " + providerName + " answered " + status + (message.isEmpty() ? "" : ": " + clean(message));
        return new UpstreamException(UpstreamException.Kind.STATUS, status, code == null ? null : clean(code), UpstreamHttp.passOn(headers), text);
    }

    private String clean(String text) {
        String out = secret == null || secret.isEmpty() ? text : text.replace(secret, "****");
        return out.length() > MAX_MESSAGE_CHARS ? out.substring(0, MAX_MESSAGE_CHARS) + "…" : out;
    }
}
