package dev.tollgate.policy.resilience;

import dev.tollgate.config.ResilienceConfig;
import dev.tollgate.pipeline.Attempt;
import dev.tollgate.pipeline.AttemptChain;
import dev.tollgate.pipeline.AttemptDecision;
import dev.tollgate.pipeline.AttemptStage;
import java.time.Duration;

/**
 * The first attempt stage: when the rest of the attempt failed in a way its provider's {@code retries:} cover, waits
 * ({@link RetryPolicy}: the upstream's {@code Retry-After}, else exponential backoff with jitter) and runs the rest
 * again on the same deployment, so each retry reserves its budget, claims its rate limit and asks its circuit breaker
 * anew. Only {@link AttemptDecision.Failed} attempts are retried: an answered one has its first byte read (a stream
 * may be reaching the client), a skipped one was never sent. What it gives back after the last try is that try's
 * failure, with the number of retries for the routing reason (a retry a policy skipped, such as a circuit that opened
 * meanwhile, ends the retries with the failure before it); the plan's next step follows.
 */
public final class RetryStage implements AttemptStage {

    /** How the stage waits; a test passes one that records instead. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private final RetryPolicy policy;
    private final Sleeper sleeper;

    public RetryStage(RetryPolicy policy, Sleeper sleeper) {
        this.policy = policy;
        this.sleeper = sleeper;
    }

    public RetryStage(RetryPolicy policy) {
        this(policy, Thread::sleep);
    }

    @Override
    public AttemptDecision attempt(Attempt attempt, AttemptChain chain) {
        ResilienceConfig.Retries retries = attempt.target().provider().resilience().retries();
        AttemptDecision decision = chain.proceed(attempt);
        if (retries.off()) {
            return decision;
        }
        for (int retry = 1; decision instanceof AttemptDecision.Failed failed; retry++) {
            switch (policy.decide(retries, failed.failure(), retry)) {
                case RetryDecision.GiveUp(String why) -> {
                    return retry == 1 && why.isEmpty() ? failed : failed.afterRetries(retry - 1, why);
                }
                case RetryDecision.Retry(Duration delay, boolean fromRetryAfter) -> {
                    if (!pause(delay)) {
                        return failed.afterRetries(retry - 1, "interrupted");
                    }
                }
            }
            decision = chain.retry(attempt);
            if (decision instanceof AttemptDecision.Skipped skipped) {
                // Its breaker opened or its budget ran out meanwhile: the upstream's failure is the story, and the answer.
                return failed.afterRetries(retry - 1, skipped.why());
            }
        }
        return decision;
    }

    private boolean pause(Duration wait) {
        if (wait.isZero()) {
            return true;
        }
        try {
            sleeper.sleep(wait);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
