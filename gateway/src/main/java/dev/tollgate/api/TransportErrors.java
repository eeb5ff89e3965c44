package dev.tollgate.api;

import dev.tollgate.api.anthropic.AnthropicErrors;
import dev.tollgate.api.openai.OpenAiErrors;
import dev.tollgate.pipeline.GatewayException;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import java.util.Map;

/**
 * Errors the HTTP server raises before any route runs (malformed request line, headers too large, body
 * over the limit), rendered as JSON instead of the server's plain text: in Anthropic's shape on
 * {@code /v1/messages}, in OpenAI's everywhere else.
 */
public final class TransportErrors implements DirectHandler {

    private final OpenAiErrors errors;
    private final AnthropicErrors anthropicErrors;
    private final int maxHeaderBytes;

    public TransportErrors(OpenAiErrors errors, AnthropicErrors anthropicErrors, int maxHeaderBytes) {
        this.errors = errors;
        this.anthropicErrors = anthropicErrors;
        this.maxHeaderBytes = maxHeaderBytes;
    }

    @Override
    public TransportResponse handle(TransportRequest request, EventType eventType, Status status,
                                    ServerResponseHeaders headers, String message) {
        int code = status.code();
        String text = switch (code) {
            case 413 -> "request body is too large";
            case 431 -> "request headers are too large";
            case 414 -> "request line is longer than " + GatewayServer.MAX_REQUEST_LINE_BYTES + " bytes";
            case 505 -> "HTTP version not supported: send HTTP/1.1 (health checks too)";
            // The server does not say why it rejects a header block; name both causes.
            case 400 -> "malformed HTTP request, or request headers larger than " + maxHeaderBytes + " bytes (max_header_bytes)";
            default -> code >= 500 ? "the server could not handle this request" : "malformed HTTP request";
        };
        String type = code >= 500 && code != 505 ? "server_error" : "invalid_request_error";
        GatewayException error = new GatewayException(code, type, "http_" + code, null, text, Map.of());
        boolean anthropic = request.path() != null && request.path().startsWith("/v1/messages");
        byte[] body = anthropic ? anthropicErrors.body(error) : errors.body(error);
        headers.set(HeaderNames.CONTENT_TYPE, "application/json");
        return TransportResponse.builder()
                .status(status)
                .headers(headers)
                .entity(body)
                .keepAlive(eventType.keepAlive())
                .build();
    }
}
