package dev.tollgate.api.anthropic;

import dev.tollgate.pipeline.GatewayException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Renders errors in Anthropic's shape, {@code {"type":"error","error":{"type","message"}}}, with the error
 * type Anthropic uses for the status: {@code invalid_request_error} (400 and other 4xx),
 * {@code authentication_error} (401), {@code permission_error} (403), {@code not_found_error} (404),
 * {@code request_too_large} (413), {@code rate_limit_error} (429), {@code overloaded_error} (503, 529),
 * {@code api_error} (other 5xx).
 */
public final class AnthropicErrors {

    private final JsonMapper json;

    public AnthropicErrors(JsonMapper json) {
        this.json = json;
    }

    /** The error as a JSON body; also the data of the {@code error} event that ends a broken stream. */
    public byte[] body(GatewayException e) {
        ObjectNode root = json.createObjectNode().put("type", "error");
        root.putObject("error").put("type", type(e.status())).put("message", e.getMessage());
        return json.writeValueAsBytes(root);
    }

    static String type(int status) {
        return switch (status) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 503, 529 -> "overloaded_error";
            default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
    }
}
