package dev.tollgate.sdk.gemini;

import com.google.genai.errors.ApiException;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.GenerateContentResponseUsageMetadata;
import dev.tollgate.sdk.Failure;
import dev.tollgate.sdk.TokenUsage;

/** Gemini's {@code usageMetadata} and errors in Tollgate's terms, as the gateway's Gemini adapter counts them. */
final class GeminiUsage {

    private GeminiUsage() {
    }

    /**
     * input = {@code promptTokenCount} (which includes {@code cachedContentTokenCount}) +
     * {@code toolUsePromptTokenCount}; output = {@code candidatesTokenCount} + {@code thoughtsTokenCount},
     * the thoughts also counted as reasoning.
     */
    static TokenUsage of(GenerateContentResponseUsageMetadata u) {
        long prompt = u.promptTokenCount().orElse(0);
        long input = prompt + u.toolUsePromptTokenCount().orElse(0);
        long thoughts = u.thoughtsTokenCount().orElse(0);
        long output = u.candidatesTokenCount().orElse(0) + thoughts;
        long cached = Math.min(u.cachedContentTokenCount().orElse(0), input);
        return new TokenUsage(input, output, cached, 0, thoughts, false);
    }

    /** Whether the counts include the answer (early stream events carry only the prompt's). */
    static boolean complete(GenerateContentResponseUsageMetadata u) {
        return u.candidatesTokenCount().isPresent() || u.thoughtsTokenCount().isPresent();
    }

    /** The response with {@code totalTokenCount} filled in where Gemini left it out (input + output as counted above). */
    static GenerateContentResponse withTotal(GenerateContentResponse response) {
        if (response.usageMetadata().isEmpty() || response.usageMetadata().get().totalTokenCount().isPresent()) {
            return response;
        }
        GenerateContentResponseUsageMetadata u = response.usageMetadata().get();
        long total = of(u).total();
        return response.toBuilder().usageMetadata(u.toBuilder().totalTokenCount((int) Math.min(total, Integer.MAX_VALUE)).build()).build();
    }

    /** Google's HTTP status and its status name ({@code RESOURCE_EXHAUSTED}, …); a transport failure as {@link Failure#of}. */
    static Failure failure(RuntimeException e) {
        if (e instanceof ApiException) {
            ApiException a = (ApiException) e;
            String code = a.status() == null || a.status().isBlank() ? "http_" + a.code() : a.status();
            return new Failure(a.code() >= 100 && a.code() <= 599 ? a.code() : 502, code);
        }
        return Failure.of(e);
    }
}
