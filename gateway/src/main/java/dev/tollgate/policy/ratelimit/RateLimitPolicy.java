package dev.tollgate.policy.ratelimit;

import dev.tollgate.config.RateLimitsConfig;
import dev.tollgate.model.RateLimits;
import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.pipeline.RequestContext;
import dev.tollgate.provider.Deployment;
import dev.tollgate.store.Claim;
import dev.tollgate.store.CounterStore;
import dev.tollgate.usage.TokenCounter;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Fixed-window rate limits over a {@link CounterStore}: requests per minute and per day, tokens per minute,
 * and a largest request. One call's claims on one subject (a key, or a deployment) are reserved in one
 * atomic, all-or-nothing step, so limits hold exactly under any concurrency and across instances sharing
 * the store.
 *
 * <p>Requests count when admitted and stay counted. Tokens per minute reserve the request's worst case
 * ({@link RequestSize}; without {@code max_tokens} at most the whole minute's limit) and settle to the billed input + output tokens when the call ends, whichever way it
 * ends ({@link RequestContext#onSettle}); a deployment that was tried but did not serve the call settles to 0.
 * A refusal is a 429 whose {@code Retry-After} is the time until the refusing window resets.
 */
public final class RateLimitPolicy {

    static final String REQUESTS = "requests";
    static final String TOKENS = "tokens";

    private final CounterStore counters;
    private final TokenCounter tokens;
    private final RateLimitsConfig config;
    private final Clock clock;

    public RateLimitPolicy(CounterStore counters, TokenCounter tokens, RateLimitsConfig config, Clock clock) {
        this.counters = counters;
        this.tokens = tokens;
        this.config = config;
        this.clock = clock;
    }

    /** The limits of the caller's key: its own, else the configured default for issued keys. */
    public RateLimits keyLimits(dev.tollgate.model.Principal principal) {
        if (principal.rateLimits().any() || principal.allOrgs()) {
            return principal.rateLimits();
        }
        return config.defaultKey();
    }

    /** Admits the call for its key, or returns the 429 that refuses it. */
    public GatewayException admitKey(RequestContext ctx, String keyId, RateLimits limits) {
        return admit(ctx, new Subject("rl:key:" + keyId, "key " + keyId, limits, null));
    }

    /**
     * Admits one attempt on a deployment, or returns why it cannot take the call: a 429 when a window is
     * full, a 400 when the request is larger than the deployment's {@code max_tokens_per_request}.
     */
    public GatewayException admitDeployment(RequestContext ctx, Deployment deployment) {
        RateLimits limits = deployment.provider().limits();
        if (limits.maxTokensPerRequest() > 0) {
            RequestSize size = RequestSize.of(ctx, tokens, config.defaultMaxTokens());
            if (size.declared() > limits.maxTokensPerRequest()) {
                return new GatewayException(400, "invalid_request_error", "max_tokens_per_request_exceeded", "max_tokens",
                        "this request asks for up to " + size.declared() + " tokens (prompt estimate " + size.promptTokens()
                                + " + max_tokens " + Math.max(0, size.maxTokens()) + "); provider " + deployment.providerName()
                                + " takes at most " + limits.maxTokensPerRequest() + " per request", Map.of());
            }
        }
        return admit(ctx, new Subject("rl:deployment:" + deployment.providerName(), "provider " + deployment.providerName(),
                limits, deployment));
    }

    /**
     * What each of a provider's limits has left in its current window, by window ({@code rpm}, {@code rpd},
     * {@code tpm}; only the limits it has), for the rate-limit headroom gauges. One read of the counters.
     */
    public java.util.Map<String, Long> headroom(dev.tollgate.config.ProviderConfig provider) {
        RateLimits limits = provider.limits();
        String prefix = "rl:deployment:" + provider.name();
        Instant now = clock.instant();
        java.util.Map<String, Long> limitOf = new java.util.LinkedHashMap<>();
        List<String> keys = new ArrayList<>(3);
        if (limits.rpm() > 0) {
            limitOf.put("rpm", limits.rpm());
            keys.add(Window.minute(now).key(prefix, "rpm"));
        }
        if (limits.rpd() > 0) {
            limitOf.put("rpd", limits.rpd());
            keys.add(Window.day(now).key(prefix, "rpd"));
        }
        if (limits.tpm() > 0) {
            limitOf.put("tpm", limits.tpm());
            keys.add(Window.minute(now).key(prefix, "tpm"));
        }
        if (keys.isEmpty()) {
            return java.util.Map.of();
        }
        List<Long> used = counters.values(keys);
        java.util.Map<String, Long> out = new java.util.LinkedHashMap<>();
        int i = 0;
        for (var e : limitOf.entrySet()) {
            out.put(e.getKey(), Math.max(0, e.getValue() - used.get(i++)));
        }
        return out;
    }

    /** Whose limits these are; {@code served} is the deployment that must have served the call for its tokens to count. */
    private record Subject(String prefix, String label, RateLimits limits, Deployment served) {
    }

    /** One window claimed: which family of headers it feeds, and its limit. */
    private record Part(String family, String per, Window window, long limit) {
    }

    private GatewayException admit(RequestContext ctx, Subject subject) {
        RateLimits limits = subject.limits();
        if (!limits.any() || limits.rpm() == 0 && limits.rpd() == 0 && limits.tpm() == 0) {
            return null;
        }
        Instant now = clock.instant();
        Window minute = Window.minute(now);
        List<Claim> claims = new ArrayList<>(3);
        List<Part> parts = new ArrayList<>(3);
        if (limits.rpm() > 0) {
            claims.add(new Claim(minute.key(subject.prefix(), "rpm"), 1, limits.rpm(), minute.end()));
            parts.add(new Part(REQUESTS, "requests per minute", minute, limits.rpm()));
        }
        if (limits.rpd() > 0) {
            Window day = Window.day(now);
            claims.add(new Claim(day.key(subject.prefix(), "rpd"), 1, limits.rpd(), day.end()));
            parts.add(new Part(REQUESTS, "requests per day", day, limits.rpd()));
        }
        long reservedTokens = 0;
        if (limits.tpm() > 0) {
            RequestSize size = RequestSize.of(ctx, tokens, config.defaultMaxTokens());
            if (size.declared() > limits.tpm()) {
                return new GatewayException(429, "rate_limit_error", "rate_limit_exceeded", null, "request too large for " + subject.label()
                        + ": it may use " + size.declared() + " tokens, more than the " + limits.tpm()
                        + " tokens per minute allowed (lower max_tokens or the prompt)", Map.of());
            }
            // Without max_tokens the assumed output is a guess: capped so that a small request always fits an empty minute.
            reservedTokens = Math.min(size.worstCase(), limits.tpm());
            claims.add(new Claim(minute.key(subject.prefix(), "tpm"), reservedTokens, limits.tpm(), minute.end()));
            parts.add(new Part(TOKENS, "tokens per minute", minute, limits.tpm()));
        }
        CounterStore.Reservation r = counters.reserve(claims);
        if (!r.granted()) {
            return refusal(subject, parts.get(r.refused()), r.values().get(r.refused()), now);
        }
        for (int i = 0; i < parts.size(); i++) {
            RateLimitHeaders.offer(ctx, parts.get(i).family(), parts.get(i).limit(), parts.get(i).limit() - r.values().get(i),
                    parts.get(i).window().resetAfter(now));
        }
        if (limits.tpm() > 0) {
            settleTokens(ctx, subject, claims.getLast(), reservedTokens);
        }
        return null;
    }

    private void settleTokens(RequestContext ctx, Subject subject, Claim tpm, long reserved) {
        // The attempt this claim was made for is the next one the context counts: a retry of the same deployment claims
        // again, and only the claim of the attempt that served keeps the call's tokens (the others settle to 0).
        int attempt = ctx.attempts() + 1;
        ctx.onSettle((done, billed) -> {
            // The route's deployment instances are the ones attempted, so identity tells which one served.
            boolean counted = subject.served() == null
                    || done.deployment().orElse(null) == subject.served() && done.attempts() == attempt;
            long actual = counted ? billed.usage().totalTokens() : 0;
            if (actual != reserved) {
                counters.adjust(List.of(new Claim(tpm.key(), actual - reserved, Claim.NO_LIMIT, tpm.expiresAt())));
            }
        });
    }

    private static GatewayException refusal(Subject subject, Part part, long used, Instant now) {
        long retryAfter = part.window().retryAfterSeconds(now);
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        headers.put("retry-after", Long.toString(retryAfter));
        RateLimitHeaders.put(headers, part.family(), part.limit(), Math.max(0, part.limit() - used), part.window().resetAfter(now));
        return new GatewayException(429, "rate_limit_error", "rate_limit_exceeded", null,
                "rate limit reached for " + subject.label() + ": " + part.limit() + " " + part.per() + " (used " + Math.min(used, part.limit())
                        + "); try again in " + retryAfter + " s", headers);
    }
}
