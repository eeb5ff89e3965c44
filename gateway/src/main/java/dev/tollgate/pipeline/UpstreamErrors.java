package dev.tollgate.pipeline;

import dev.tollgate.provider.UpstreamException;
import java.util.Map;

/** How an upstream failure looks to the client, after every fallback was tried. */
final class UpstreamErrors {

    private UpstreamErrors() {
    }

    static GatewayException toGatewayException(UpstreamException e) {
        String message = e.getMessage();
        return switch (e.kind()) {
            case CONNECT -> new GatewayException(502, "api_error", "upstream_unreachable", null, message, Map.of());
            case FIRST_BYTE_TIMEOUT -> new GatewayException(504, "api_error", "upstream_timeout", null, message, Map.of());
            case PROTOCOL -> new GatewayException(502, "api_error", "upstream_protocol_error", null, message, Map.of());
            case BROKEN -> new GatewayException(502, "api_error", "upstream_error", null, message, Map.of());
            case STATUS -> fromStatus(e);
        };
    }

    private static GatewayException fromStatus(UpstreamException e) {
        int status = e.status();
        String code = e.code();
        if (status == 429) {
            return new GatewayException(429, "rate_limit_error", code == null ? "upstream_rate_limited" : code, null, e.getMessage(), e.headers());
        }
        if (status == 401 || status == 403) {
            return new GatewayException(502, "api_error", "upstream_auth_failed", null,
                    e.getMessage() + " (the gateway's credentials for this provider were refused; check its api_key)", Map.of());
        }
        if (status >= 400 && status < 500) {
            return new GatewayException(status, "invalid_request_error", code == null ? "upstream_rejected" : code, null, e.getMessage(), Map.of());
        }
        int mapped = status == 503 || status == 529 ? 503 : status == 504 ? 504 : 502;
        return new GatewayException(mapped, "api_error", "upstream_error", null, e.getMessage(), e.headers());
    }
}
