package dev.tollgate.provider.gemini.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** A turn of the conversation: {@code role} is {@code user} or {@code model} (absent in a system instruction). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Content(String role, List<Part> parts) {

    public Content {
        parts = parts == null ? List.of() : List.copyOf(parts);
    }
}
