package dev.tollgate.pipeline;

import dev.tollgate.provider.ProviderResponse;
import dev.tollgate.provider.UpstreamException;
import java.util.Locale;

/**
 * How one attempt ended, as a value: the {@link FallbackStage} goes on to the plan's next step after a
 * {@link Skipped} or a retryable {@link Failed} one, and tells the whole story in the routing reason.
 */
public sealed interface AttemptDecision {

    RouteStep step();

    /** The target answered: a whole answer, or a stream whose first chunk is read. */
    record Answered(RouteStep step, ProviderResponse response) implements AttemptDecision {
    }

    /**
     * A policy did not let this target take the call (its budget or rate limit); nothing was sent to it.
     *
     * @param why     for the routing reason: {@code rate limit: openai at its limit}
     * @param refusal the answer when no step of the plan can take the call
     */
    record Skipped(RouteStep step, String why, GatewayException refusal) implements AttemptDecision {
    }

    /**
     * The upstream failed before the client got any byte; the next step may do better when {@link UpstreamException#retryable()}
     * (or when the prompt was too long for this model: {@link UpstreamException#contextLengthExceeded()}).
     *
     * @param retries how many times the deployment was tried again before this last failure (0: not retried)
     * @param gaveUp  why it was not retried (more): {@code Retry-After 30 s > 5 s}; empty when no retry was due
     */
    record Failed(RouteStep step, UpstreamException failure, int retries, String gaveUp) implements AttemptDecision {

        public Failed(RouteStep step, UpstreamException failure) {
            this(step, failure, 0, "");
        }

        /** The same failure, after {@code count} retries, not retried again because of {@code why} (may be empty). */
        public Failed afterRetries(int count, String why) {
            return new Failed(step, failure, count, why);
        }

        /** For the routing reason: {@code fallback: openai failed (status 503, 2 retries)}. */
        public String why() {
            String how = failure.contextLengthExceeded() ? "prompt too long for its context window"
                    : failure.kind() == UpstreamException.Kind.STATUS ? "status " + failure.status()
                    : failure.kind().name().toLowerCase(Locale.ROOT);
            String retried = retries == 0 ? "" : retries == 1 ? ", 1 retry" : ", " + retries + " retries";
            String stop = gaveUp.isEmpty() ? "" : ", not retried: " + gaveUp;
            return "fallback: " + step.target().providerName() + " failed (" + how + retried + stop + ")";
        }
    }

    static AttemptDecision answered(Attempt attempt, ProviderResponse response) {
        return new Answered(attempt.step(), response);
    }

    static AttemptDecision failed(Attempt attempt, UpstreamException failure) {
        return new Failed(attempt.step(), failure);
    }

    /** The target of {@code attempt} may not take the call: {@code why} names the step for the routing reason. */
    static AttemptDecision skip(Attempt attempt, String why, GatewayException refusal) {
        return new Skipped(attempt.step(), why, refusal);
    }
}
