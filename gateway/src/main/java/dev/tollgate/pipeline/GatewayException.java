package dev.tollgate.pipeline;

import java.util.Map;

/**
 * A request Tollgate refuses or could not complete, in dialect-neutral terms: an HTTP status, an error
 * type and code, the parameter at fault, and headers that help the caller ({@code Retry-After}). The api
 * layer renders it in the caller's dialect. The message never contains secrets or request content.
 */
public final class GatewayException extends RuntimeException {

    private final int status;
    private final String type;
    private final String code;
    private final String param;
    private final Map<String, String> headers;

    public GatewayException(int status, String type, String code, String param, String message, Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.code = code;
        this.param = param;
        this.headers = Map.copyOf(headers);
    }

    public static GatewayException badRequest(String param, String message) {
        return new GatewayException(400, "invalid_request_error", "invalid_request", param, message, Map.of());
    }

    public static GatewayException unauthorized(String message) {
        return new GatewayException(401, "authentication_error", "invalid_api_key", null, message, Map.of());
    }

    public static GatewayException forbidden(String code, String message) {
        return new GatewayException(403, "permission_error", code, null, message, Map.of());
    }

    public static GatewayException notFound(String code, String param, String message) {
        return new GatewayException(404, "invalid_request_error", code, param, message, Map.of());
    }

    public static GatewayException payloadTooLarge(long limit) {
        return new GatewayException(413, "invalid_request_error", "request_too_large", null,
                "request body is larger than " + limit + " bytes (the server's max_body_bytes)", Map.of());
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String code() {
        return code;
    }

    public String param() {
        return param;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
