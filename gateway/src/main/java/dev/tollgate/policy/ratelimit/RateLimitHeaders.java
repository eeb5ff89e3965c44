package dev.tollgate.policy.ratelimit;

import dev.tollgate.pipeline.RequestContext;
import java.time.Duration;
import java.util.Map;

/**
 * OpenAI's rate-limit headers: {@code x-ratelimit-limit-requests}, {@code x-ratelimit-remaining-requests},
 * {@code x-ratelimit-reset-requests} and the same for {@code tokens}. When several limits apply to a call
 * (its key's and its deployment's, per minute and per day) each family shows the one with the least left.
 */
final class RateLimitHeaders {

    private RateLimitHeaders() {
    }

    /** Shows this window in the call's response headers unless one with less remaining is shown already. */
    static void offer(RequestContext ctx, String family, long limit, long remaining, Duration reset) {
        String shown = ctx.responseHeaders().get("x-ratelimit-remaining-" + family);
        if (shown != null && Long.parseLong(shown) <= remaining) {
            return;
        }
        ctx.responseHeader("x-ratelimit-limit-" + family, Long.toString(limit));
        ctx.responseHeader("x-ratelimit-remaining-" + family, Long.toString(Math.max(0, remaining)));
        ctx.responseHeader("x-ratelimit-reset-" + family, Window.openAiDuration(reset));
    }

    static void put(Map<String, String> headers, String family, long limit, long remaining, Duration reset) {
        headers.put("x-ratelimit-limit-" + family, Long.toString(limit));
        headers.put("x-ratelimit-remaining-" + family, Long.toString(Math.max(0, remaining)));
        headers.put("x-ratelimit-reset-" + family, Window.openAiDuration(reset));
    }
}
