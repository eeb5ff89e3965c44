package dev.tollgate.provider.openai;

import dev.tollgate.model.CanonicalRequest;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Builds the upstream body for an OpenAI-compatible provider: the client's own JSON with the minimal
 * edits (the upstream's model name; usage requested on streams), so unknown and future fields pass
 * through untouched.
 */
final class OpenAiRequestMapper {

    private final JsonMapper json;

    OpenAiRequestMapper(JsonMapper json) {
        this.json = json;
    }

    byte[] body(CanonicalRequest request, String upstreamModel) {
        ObjectNode body = request.body().deepCopy();
        body.put("model", upstreamModel);
        if (request.stream()) {
            ObjectNode options = body.get("stream_options") instanceof ObjectNode existing ? existing : body.putObject("stream_options");
            options.put("include_usage", true);
        }
        return json.writeValueAsBytes(body);
    }
}
