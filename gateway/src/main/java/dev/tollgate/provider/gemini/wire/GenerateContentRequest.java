package dev.tollgate.provider.gemini.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * The body of {@code models/{model}:generateContent} and {@code :streamGenerateContent}, as the Gemini
 * API reference documents it ({@code GenerateContentRequest}). Absent fields are left out.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GenerateContentRequest(
        List<Content> contents,
        Content systemInstruction,
        List<Tool> tools,
        ToolConfig toolConfig,
        GenerationConfig generationConfig) {

    /** A set of functions the model may call. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Tool(List<FunctionDeclaration> functionDeclarations) {
    }

    /** One function; {@code parameters} is a schema in Gemini's OpenAPI subset, absent for no parameters. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FunctionDeclaration(String name, String description, JsonNode parameters) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ToolConfig(FunctionCallingConfig functionCallingConfig) {
    }

    /** {@code mode}: {@code AUTO}, {@code NONE} or {@code ANY}; with {@code ANY}, optionally the names allowed. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FunctionCallingConfig(String mode, List<String> allowedFunctionNames) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record GenerationConfig(
            Double temperature,
            Double topP,
            Integer maxOutputTokens,
            List<String> stopSequences,
            Integer candidateCount,
            String responseMimeType,
            JsonNode responseSchema,
            Long seed,
            Double presencePenalty,
            Double frequencyPenalty) {

        public boolean nothingSet() {
            return temperature == null && topP == null && maxOutputTokens == null && stopSequences == null
                    && candidateCount == null && responseMimeType == null && responseSchema == null && seed == null
                    && presencePenalty == null && frequencyPenalty == null;
        }
    }
}
