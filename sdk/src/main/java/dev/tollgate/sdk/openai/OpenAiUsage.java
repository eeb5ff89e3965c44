package dev.tollgate.sdk.openai;

import com.openai.errors.OpenAIServiceException;
import com.openai.models.completions.CompletionUsage;
import dev.tollgate.sdk.FailSafe;
import dev.tollgate.sdk.Failure;
import dev.tollgate.sdk.TokenUsage;

/** OpenAI's usage and errors in Tollgate's terms. */
final class OpenAiUsage {

    private OpenAiUsage() {
    }

    /** {@code prompt_tokens} includes the cached ones, {@code completion_tokens} the reasoning ones, as in Tollgate. */
    static TokenUsage of(CompletionUsage u) {
        long input = u.promptTokens();
        long output = u.completionTokens();
        long cached = u.promptTokensDetails().flatMap(CompletionUsage.PromptTokensDetails::cachedTokens).orElse(0L);
        long cacheWrite = u.promptTokensDetails().flatMap(CompletionUsage.PromptTokensDetails::cacheWriteTokens).orElse(0L);
        long reasoning = u.completionTokensDetails().flatMap(CompletionUsage.CompletionTokensDetails::reasoningTokens).orElse(0L);
        cached = Math.min(cached, input);
        return new TokenUsage(input, output, cached, Math.min(cacheWrite, input - cached), Math.min(reasoning, output), false);
    }

    /** The API's status and error code (its {@code code}, else its {@code type}); a transport failure as {@link Failure#of}. */
    static Failure failure(RuntimeException e) {
        if (e instanceof OpenAIServiceException) {
            OpenAIServiceException s = (OpenAIServiceException) e;
            String code = FailSafe.get("read an OpenAI error code", () -> s.code().or(s::type).orElse(null), "http_" + s.statusCode());
            return new Failure(s.statusCode(), code);
        }
        return Failure.of(e);
    }

    /** About four characters per token: the SDK's estimate of output a stream delivered without its usage. */
    static long estimateTokens(long chars) {
        return (chars + 3) / 4;
    }
}
