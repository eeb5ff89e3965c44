package dev.tollgate.api.openai;

import dev.tollgate.pipeline.GatewayException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Renders errors in OpenAI's shape: {@code {"error":{"message","type","param","code"}}}. */
public final class OpenAiErrors {

    private final JsonMapper json;

    public OpenAiErrors(JsonMapper json) {
        this.json = json;
    }

    /** The error as a JSON body; also the data of the error event that ends a broken stream. */
    public byte[] body(GatewayException e) {
        return json.writeValueAsBytes(node(e));
    }

    private ObjectNode node(GatewayException e) {
        ObjectNode root = json.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", e.getMessage());
        error.put("type", e.type());
        if (e.param() == null) {
            error.putNull("param");
        } else {
            error.put("param", e.param());
        }
        if (e.code() == null) {
            error.putNull("code");
        } else {
            error.put("code", e.code());
        }
        return root;
    }
}
