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

    /** The three header names of a family ({@code requests} or {@code tokens}), built once rather than per call. */
    private record Names(String limit, String remaining, String reset) {

        static Names of(String family) {
            return switch (family) {
                case "requests" -> REQUESTS;
                case "tokens" -> TOKENS;
                default -> new Names("x-ratelimit-limit-" + family, "x-ratelimit-remaining-" + family, "x-ratelimit-reset-" + family);
            };
        }
    }

    private static final Names REQUESTS = new Names("x-ratelimit-limit-requests", "x-ratelimit-remaining-requests",
            "x-ratelimit-reset-requests");
    private static final Names TOKENS = new Names("x-ratelimit-limit-tokens", "x-ratelimit-remaining-tokens", "x-ratelimit-reset-tokens");

    /** Shows this window in the call's response headers unless one with less remaining is shown already. */
    static void offer(RequestContext ctx, String family, long limit, long remaining, Duration reset) {
        Names names = Names.of(family);
        String shown = ctx.responseHeaders().get(names.remaining());
        if (shown != null && Long.parseLong(shown) <= remaining) {
            return;
        }
        ctx.responseHeader(names.limit(), Long.toString(limit));
        ctx.responseHeader(names.remaining(), Long.toString(Math.max(0, remaining)));
        ctx.responseHeader(names.reset(), Window.openAiDuration(reset));
    }

    static void put(Map<String, String> headers, String family, long limit, long remaining, Duration reset) {
        Names names = Names.of(family);
        headers.put(names.limit(), Long.toString(limit));
        headers.put(names.remaining(), Long.toString(Math.max(0, remaining)));
        headers.put(names.reset(), Window.openAiDuration(reset));
    }
}
