package dev.tollgate.provider.openai;

import dev.tollgate.provider.UpstreamErrorMapper;
import dev.tollgate.provider.UpstreamErrorText;
import dev.tollgate.provider.UpstreamException;
import dev.tollgate.provider.UpstreamHeaders;
import dev.tollgate.provider.UpstreamHttp;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns an upstream error answer into an {@link UpstreamException}: the upstream's message and code when
 * it sent OpenAI's error shape, with any credential scrubbed out, and the headers worth passing on.
 */
final class OpenAiErrorMapper implements UpstreamErrorMapper {

    private final JsonMapper json;
    private final UpstreamErrorText text;

    OpenAiErrorMapper(JsonMapper json, String providerName, String secret) {
        this.json = json;
        this.text = new UpstreamErrorText(providerName, secret);
    }

    @Override
    public UpstreamException map(int status, byte[] body, UpstreamHeaders headers) {
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
        return new UpstreamException(UpstreamException.Kind.STATUS, status, text.clean(code), UpstreamHttp.passOn(headers),
                text.answered(status, message, body));
    }
}
