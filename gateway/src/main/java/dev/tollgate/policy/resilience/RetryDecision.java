package dev.tollgate.policy.resilience;

import java.time.Duration;

/** Whether a failed attempt is tried again on the same deployment, as a value ({@link RetryPolicy#decide}). */
public sealed interface RetryDecision {

    /** Try again after {@code delay}; {@code fromRetryAfter} when the upstream's {@code Retry-After} set it. */
    record Retry(Duration delay, boolean fromRetryAfter) implements RetryDecision {
    }

    /**
     * Do not: the failure is not one the provider retries, the retries are used up, or the upstream asks for a wait
     * longer than allowed (then {@code why} says so, for the routing reason; else it is empty).
     */
    record GiveUp(String why) implements RetryDecision {
    }

    GiveUp NOT_COVERED = new GiveUp("");
}
