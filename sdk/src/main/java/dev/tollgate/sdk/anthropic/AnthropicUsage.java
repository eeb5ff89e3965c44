package dev.tollgate.sdk.anthropic;

import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.models.ErrorType;
import com.anthropic.models.messages.OutputTokensDetails;
import com.anthropic.models.messages.Usage;
import dev.tollgate.sdk.FailSafe;
import dev.tollgate.sdk.Failure;
import dev.tollgate.sdk.TokenUsage;

/** Anthropic's usage and errors in Tollgate's terms. */
final class AnthropicUsage {

    private AnthropicUsage() {
    }

    /** Anthropic's {@code input_tokens} excludes the cache reads and writes; Tollgate's input is the whole prompt. */
    static TokenUsage of(long input, long cacheRead, long cacheCreation, long output, long thinking) {
        return new TokenUsage(input + cacheRead + cacheCreation, output, cacheRead, cacheCreation, Math.min(thinking, output), false);
    }

    static TokenUsage of(Usage u) {
        return of(u.inputTokens(), u.cacheReadInputTokens().orElse(0L), u.cacheCreationInputTokens().orElse(0L), u.outputTokens(),
                u.outputTokensDetails().map(OutputTokensDetails::thinkingTokens).orElse(0L));
    }

    /** The API's status and error type ({@code rate_limit_error}, {@code overloaded_error}, …); a transport failure as {@link Failure#of}. */
    static Failure failure(RuntimeException e) {
        if (e instanceof AnthropicServiceException) {
            AnthropicServiceException s = (AnthropicServiceException) e;
            String code = FailSafe.get("read an Anthropic error type", () -> s.type().map(ErrorType::asString).orElse(null),
                    "http_" + s.statusCode());
            return new Failure(s.statusCode(), code);
        }
        return Failure.of(e);
    }
}
