package dev.tollgate.config;

import java.time.Duration;
import java.util.Set;

/**
 * How calls to one provider survive its failures ({@code providers[].retries}, {@code providers[].circuit_breaker}).
 *
 * @param retries        retries of the same deployment before the plan's next step is tried
 * @param circuitBreaker when a deployment is skipped for a while because it keeps failing
 */
public record ResilienceConfig(Retries retries, CircuitBreaker circuitBreaker) {

    public static final ResilienceConfig DEFAULTS = new ResilienceConfig(Retries.DEFAULTS, CircuitBreaker.DEFAULTS);

    /**
     * {@code retries: {max, on, initial_backoff_ms, max_backoff_ms, max_retry_after_ms}}: up to {@code max} more tries
     * of the same deployment after a failure it covers, waiting an exponential backoff with jitter between them, or
     * the upstream's {@code Retry-After} when it sent one no longer than {@code maxRetryAfter} (a longer one falls
     * back at once instead). Never after the first byte reached the client.
     *
     * @param statuses       upstream statuses that are retried ({@code 429}, {@code 408}, ...)
     * @param serverErrors   whether every 5xx status is retried ({@code 5xx})
     * @param connect        whether connection failures are retried ({@code connect})
     * @param timeout        whether a first-byte timeout is retried ({@code timeout})
     * @param broken         whether a connection dropped before the answer is retried ({@code broken})
     */
    public record Retries(int max, Set<Integer> statuses, boolean serverErrors, boolean connect, boolean timeout, boolean broken,
                          Duration initialBackoff, Duration maxBackoff, Duration maxRetryAfter) {

        public static final Retries DEFAULTS = new Retries(2, Set.of(429), true, true, true, false,
                Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofSeconds(5));

        public Retries {
            statuses = Set.copyOf(statuses);
        }

        /** No retries at all ({@code max: 0}). */
        public boolean off() {
            return max == 0;
        }
    }

    /**
     * {@code circuit_breaker: {enabled, failure_rate_threshold, minimum_calls, window, cooldown_ms, half_open_calls}}:
     * over the last {@code window} calls (at least {@code minimumCalls} of them), a failure rate at or above the
     * threshold opens the circuit; an open deployment is skipped for {@code cooldown}, then lets {@code halfOpenCalls}
     * probes through, whose outcome closes or reopens it.
     *
     * @param failureRateThreshold percent, 1 to 100
     */
    public record CircuitBreaker(boolean enabled, int failureRateThreshold, int minimumCalls, int window, Duration cooldown,
                                 int halfOpenCalls) {

        public static final CircuitBreaker DEFAULTS = new CircuitBreaker(true, 50, 10, 20, Duration.ofSeconds(30), 2);
    }
}
