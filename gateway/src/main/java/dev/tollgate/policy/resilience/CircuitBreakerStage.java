package dev.tollgate.policy.resilience;

import dev.tollgate.pipeline.Attempt;
import dev.tollgate.pipeline.AttemptChain;
import dev.tollgate.pipeline.AttemptDecision;
import dev.tollgate.pipeline.AttemptStage;
import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.provider.UpstreamException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The attempt stage before the upstream call: a deployment whose circuit is open is skipped, as a full rate limit is,
 * without being sent anything (so it costs no timeout); otherwise the call goes through and its outcome is recorded on
 * the deployment's breaker ({@link CircuitBreakers}). Failures that say something about the deployment's health count
 * (429, 5xx, connect, timeout, a dropped or malformed answer); the caller's own mistakes (other 4xx) count as calls that
 * worked. An answered stream counts as a success once its first chunk is read. When every step is skipped, the call
 * gets 503 {@code circuit_open} with {@code Retry-After} set to the end of the cooldown.
 */
public final class CircuitBreakerStage implements AttemptStage {

    private final CircuitBreakers breakers;
    private final Clock clock;

    public CircuitBreakerStage(CircuitBreakers breakers, Clock clock) {
        this.breakers = breakers;
        this.clock = clock;
    }

    @Override
    public AttemptDecision attempt(Attempt attempt, AttemptChain chain) {
        CircuitBreakers.Guard guard = breakers.guard(attempt.target());
        if (guard == null) {
            return chain.proceed(attempt);
        }
        if (!guard.breaker().tryAcquirePermission()) {
            return skip(attempt, guard);
        }
        long start = System.nanoTime();
        AttemptDecision decision;
        try {
            decision = chain.proceed(attempt);
        } catch (RuntimeException e) {
            guard.breaker().releasePermission();
            throw e;
        }
        long took = System.nanoTime() - start;
        switch (decision) {
            case AttemptDecision.Answered answered -> guard.breaker().onSuccess(took, TimeUnit.NANOSECONDS);
            case AttemptDecision.Failed failed when unhealthy(failed.failure()) ->
                    guard.breaker().onError(took, TimeUnit.NANOSECONDS, failed.failure());
            case AttemptDecision.Failed failed -> guard.breaker().onSuccess(took, TimeUnit.NANOSECONDS);
            case AttemptDecision.Skipped skipped -> guard.breaker().releasePermission();
        }
        return decision;
    }

    /** Whether the failure says the deployment is unwell, rather than that the request was wrong. */
    static boolean unhealthy(UpstreamException e) {
        return switch (e.kind()) {
            case CONNECT, FIRST_BYTE_TIMEOUT, BROKEN, PROTOCOL -> true;
            case STATUS -> e.status() == 408 || e.status() == 429 || e.status() >= 500;
        };
    }

    private AttemptDecision skip(Attempt attempt, CircuitBreakers.Guard guard) {
        String provider = attempt.target().providerName();
        Duration left = guard.remaining(clock);
        long seconds = Math.max(1, (left.toMillis() + 999) / 1000);
        GatewayException refusal = new GatewayException(503, "api_error", "circuit_open", null,
                "provider " + provider + " is failing: its circuit breaker is open (no calls for " + seconds + " s); no other provider could take the call",
                Map.of("retry-after", Long.toString(seconds)));
        return AttemptDecision.skip(attempt, "circuit open: " + provider, refusal);
    }
}
