package dev.tollgate.pipeline;

/**
 * One step of one upstream attempt, run again for every step of the plan the {@link FallbackStage} tries
 * (as OkHttp's retry interceptor re-runs the rest of its chain): budget reservation, deployment rate limit,
 * circuit breaker, then the upstream call, which answers. A stage either decides the attempt itself
 * (returns {@link AttemptDecision#skip}: this target may not take the call) or calls
 * {@link AttemptChain#proceed} at most once and may look at, and undo its own work after, what comes
 * back (a reservation is released when the attempt did not answer). A stage that retries calls
 * {@link AttemptChain#retry} after a {@link AttemptDecision.Failed} to run the rest once more on the same step. Exceptions are for faults, not
 * decisions. Per-attempt state lives in the {@link Attempt} and the context, never in the stage.
 */
@FunctionalInterface
public interface AttemptStage {

    AttemptDecision attempt(Attempt attempt, AttemptChain chain);
}
