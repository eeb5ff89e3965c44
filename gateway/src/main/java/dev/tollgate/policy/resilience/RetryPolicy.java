package dev.tollgate.policy.resilience;

import dev.tollgate.config.ResilienceConfig;
import dev.tollgate.provider.UpstreamException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.LongUnaryOperator;

/**
 * Decides whether a failed attempt is tried again ({@link RetryDecision}), from its provider's {@code retries:}:
 * the failure must be one they cover ({@code 429}, {@code 5xx}, {@code connect}, {@code timeout}, ...) and retries must
 * be left. The wait is the upstream's {@code Retry-After} when it sent one (a longer one than {@code max_retry_after_ms}
 * gives up, so the plan's next step serves at once), else an exponential backoff with jitter: retry {@code n} waits a
 * random time between half and all of {@code initial_backoff_ms * 2^(n-1)}, capped at {@code max_backoff_ms}.
 */
public final class RetryPolicy {

    private final Clock clock;
    private final LongUnaryOperator jitter;

    /** @param jitter a random number from 0 to its argument (inclusive); tests pass one that is not random */
    RetryPolicy(Clock clock, LongUnaryOperator jitter) {
        this.clock = clock;
        this.jitter = jitter;
    }

    public static RetryPolicy of(Clock clock) {
        return new RetryPolicy(clock, bound -> bound <= 0 ? 0 : java.util.concurrent.ThreadLocalRandom.current().nextLong(bound + 1));
    }

    /** @param retry which retry this would be, from 1 */
    public RetryDecision decide(ResilienceConfig.Retries retries, UpstreamException failure, int retry) {
        if (retry > retries.max() || !covers(retries, failure)) {
            return RetryDecision.NOT_COVERED;
        }
        Optional<Duration> asked = RetryAfter.of(failure.headers(), clock.instant());
        if (asked.isPresent()) {
            if (asked.get().compareTo(retries.maxRetryAfter()) > 0) {
                return new RetryDecision.GiveUp("Retry-After " + seconds(asked.get()) + " > " + seconds(retries.maxRetryAfter()));
            }
            return new RetryDecision.Retry(asked.get(), true);
        }
        return new RetryDecision.Retry(backoff(retries, retry), false);
    }

    /** Whether {@code retries} cover this kind of failure. */
    static boolean covers(ResilienceConfig.Retries retries, UpstreamException failure) {
        return switch (failure.kind()) {
            case STATUS -> retries.statuses().contains(failure.status()) || retries.serverErrors() && failure.status() >= 500;
            case CONNECT -> retries.connect();
            case FIRST_BYTE_TIMEOUT -> retries.timeout();
            case BROKEN -> retries.broken();
            case PROTOCOL -> false;
        };
    }

    private Duration backoff(ResilienceConfig.Retries retries, int retry) {
        long ceiling = retries.maxBackoff().toMillis();
        long full = Math.min(ceiling, retries.initialBackoff().toMillis() << Math.min(30, retry - 1));
        long half = full / 2;
        return Duration.ofMillis(full - half + jitter.applyAsLong(half));
    }

    private static String seconds(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }
}
