package dev.tollgate.provider.gemini.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Google's error body, {@code {"error":{"code":429,"message":…,"status":"RESOURCE_EXHAUSTED","details":[…]}}}:
 * {@code status} is the canonical gRPC code name; {@code details} may hold an {@code ErrorInfo} with a
 * {@code reason} ({@code API_KEY_INVALID}) and a {@code RetryInfo} with a {@code retryDelay} ({@code "37s"}).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record GoogleError(Body error) {

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Body(Integer code, String message, String status, List<JsonNode> details) {

        public Body {
            details = details == null ? List.of() : List.copyOf(details);
        }
    }
}
