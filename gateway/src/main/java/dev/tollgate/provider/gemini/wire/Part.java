package dev.tollgate.provider.gemini.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.databind.JsonNode;

/**
 * One part of a turn; exactly one of the data fields is set. {@code thought} marks the model's thought
 * summaries (not part of the answer); {@code thoughtSignature} is the opaque token a thinking model
 * attaches to a part and wants back with it in later turns.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Part(
        String text,
        Boolean thought,
        Blob inlineData,
        FileData fileData,
        FunctionCall functionCall,
        FunctionResponse functionResponse,
        String thoughtSignature) {

    public static Part text(String text) {
        return new Part(text, null, null, null, null, null, null);
    }

    public static Part inline(String mimeType, String base64) {
        return new Part(null, null, new Blob(mimeType, base64), null, null, null, null);
    }

    public static Part file(String mimeType, String uri) {
        return new Part(null, null, null, new FileData(mimeType, uri), null, null, null);
    }

    public static Part call(FunctionCall call, String thoughtSignature) {
        return new Part(null, null, null, null, call, null, thoughtSignature);
    }

    public static Part response(FunctionResponse response) {
        return new Part(null, null, null, null, null, response, null);
    }

    /** Bytes inline, base64-encoded. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Blob(String mimeType, String data) {
    }

    /** Data by URI (an uploaded file or a public URL). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record FileData(String mimeType, String fileUri) {
    }

    /** A call the model made; {@code id} is set only by newer model versions. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record FunctionCall(String id, String name, JsonNode args) {
    }

    /** The result of a call, as a JSON object. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record FunctionResponse(String id, String name, JsonNode response) {
    }
}
