package dev.tollgate.policy.ratelimit;

import dev.tollgate.model.CanonicalRequest;
import dev.tollgate.model.ChatRequest;
import dev.tollgate.model.EmbeddingRequest;
import dev.tollgate.pipeline.RequestContext;
import dev.tollgate.usage.TokenCounter;

/**
 * How many tokens a request may use, for token limits. The prompt is estimated with {@link TokenCounter}
 * once per call (kept in the context for later policies).
 *
 * @param promptTokens the prompt's estimated tokens
 * @param maxTokens    the request's {@code max_tokens} (or {@code max_completion_tokens}), or -1 when it gives none
 * @param worstCase    what tokens per minute reserve: prompt + {@code max_tokens}, or + the configured
 *                     {@code default_max_tokens} when the request gives none (embeddings: the input only)
 */
record RequestSize(int promptTokens, int maxTokens, long worstCase) {

    /** What {@code max_tokens_per_request} is compared with: the prompt plus the output the request asks for. */
    long declared() {
        return promptTokens + (long) Math.max(0, maxTokens);
    }

    static RequestSize of(RequestContext ctx, TokenCounter tokens, int defaultMaxTokens) {
        CanonicalRequest request = ctx.request().orElseThrow(() -> new IllegalStateException("limits must run before rate limits"));
        String model = ctx.requestedModel().or(request::model).orElse("");
        int prompt = ctx.promptTokensEstimate();
        if (prompt < 0) {
            prompt = switch (request) {
                case ChatRequest chat -> tokens.countPrompt(ctx.orgId(), model, chat.messages());
                case EmbeddingRequest embedding -> embedding.inputs().stream().mapToInt(text -> tokens.count(model, text)).sum();
            };
            ctx.promptTokensEstimate(prompt);
        }
        return switch (request) {
            case ChatRequest chat -> {
                int max = chat.maxTokens().orElse(-1);
                yield new RequestSize(prompt, max, prompt + (long) (max >= 0 ? max : defaultMaxTokens));
            }
            case EmbeddingRequest ignored -> new RequestSize(prompt, -1, prompt);
        };
    }
}
