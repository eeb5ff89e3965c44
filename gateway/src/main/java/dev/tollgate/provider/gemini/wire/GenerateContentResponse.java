package dev.tollgate.provider.gemini.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * A {@code generateContent} answer, and each event of a {@code streamGenerateContent?alt=sse} stream.
 * {@code promptFeedback.blockReason} with no candidates means the prompt itself was refused.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record GenerateContentResponse(
        List<Candidate> candidates,
        PromptFeedback promptFeedback,
        UsageMetadata usageMetadata,
        String modelVersion,
        String responseId) {

    public GenerateContentResponse {
        candidates = candidates == null ? List.of() : List.copyOf(candidates);
    }

    /** One generated answer; {@code finishReason} is set on the last event of a stream. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Candidate(Content content, String finishReason, Integer index, String finishMessage) {

        public int indexOrZero() {
            return index == null ? 0 : index;
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record PromptFeedback(String blockReason) {
    }

    /**
     * Token counts. {@code promptTokenCount} includes {@code cachedContentTokenCount};
     * {@code candidatesTokenCount} excludes {@code thoughtsTokenCount} (billed as output too);
     * {@code toolUsePromptTokenCount} counts tool results the API fed back to the model (billed as input).
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record UsageMetadata(
            long promptTokenCount,
            long cachedContentTokenCount,
            long candidatesTokenCount,
            long thoughtsTokenCount,
            long toolUsePromptTokenCount,
            long totalTokenCount) {
    }
}
