package dev.tollgate.pipeline;

import dev.tollgate.model.CanonicalRequest;
import dev.tollgate.provider.ProviderResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * The last stage: walks the call's {@link RoutePlan} and runs, per step, the attempt chain (budget
 * reservation, deployment rate limit, circuit breaker, upstream call) until a step answers. It moves on
 * after a step was {@linkplain AttemptDecision.Skipped skipped} by a policy, or failed before the first
 * byte in a way another deployment might not ({@link dev.tollgate.provider.UpstreamException#retryable()}, or a prompt too
 * long for the model's context window: {@link dev.tollgate.provider.UpstreamException#contextLengthExceeded()});
 * it never retries once an answer was returned (a stream's first chunk is read by then, nothing sent).
 *
 * <p>The routing reason names every step tried, in order, and then the one that answered:
 * {@code rate limit: openai at its limit; fallback: backup failed (status 503), tried spare}. When no step
 * answers, the call fails with the last upstream failure if there was one, else with the most useful
 * refusal ({@link #preferred}).
 */
public final class FallbackStage implements Stage {

    private final List<AttemptStage> attemptStages;

    /** @param attemptStages the chain run for each attempt, in order; the last one calls the upstream */
    public FallbackStage(List<AttemptStage> attemptStages) {
        this.attemptStages = List.copyOf(attemptStages);
    }

    @Override
    public ProviderResponse process(RequestContext ctx, Chain chain) {
        RoutePlan plan = ctx.plan().orElseThrow(() -> new IllegalStateException("routing must plan the call before its attempts"));
        CanonicalRequest asked = ctx.request().orElseThrow(() -> new IllegalStateException("limits must parse the request before its attempts"));
        List<AttemptDecision> tried = new ArrayList<>(plan.steps().size());
        for (RouteStep step : plan.steps()) {
            Attempt attempt = new Attempt(ctx, step, step.requestFor(asked), tried.size() + 1);
            AttemptDecision decision = new AttemptChain(attemptStages, 0).proceed(attempt);
            if (decision instanceof AttemptDecision.Answered answered) {
                if (!tried.isEmpty()) {
                    ctx.routingReason(story(tried) + ", tried " + step.target().providerName());
                }
                return answered.response();
            }
            tried.add(decision);
            // A prompt too long for this model may fit a later step's larger window (the attempt stages skip the ones that are not larger).
            if (decision instanceof AttemptDecision.Failed failed && !failed.failure().retryable() && !failed.failure().contextLengthExceeded()) {
                break;
            }
        }
        ctx.routingReason(story(tried));
        throw failure(tried);
    }

    /** Every step tried, in order: {@code rate limit: a at its limit; fallback: b failed (status 500)}. */
    private static String story(List<AttemptDecision> tried) {
        List<String> steps = new ArrayList<>(tried.size());
        for (AttemptDecision d : tried) {
            steps.add(switch (d) {
                case AttemptDecision.Skipped skipped -> skipped.why();
                case AttemptDecision.Failed failed -> failed.why();
                case AttemptDecision.Answered answered -> answered.step().reason();
            });
        }
        return String.join("; ", steps);
    }

    /** The answer when no step answered: the last upstream failure, else the most useful refusal. */
    private static GatewayException failure(List<AttemptDecision> tried) {
        GatewayException refused = null;
        for (int i = tried.size() - 1; i >= 0; i--) {
            if (tried.get(i) instanceof AttemptDecision.Failed failed) {
                return UpstreamErrors.toGatewayException(failed.failure());
            }
        }
        for (AttemptDecision d : tried) {
            refused = preferred(refused, ((AttemptDecision.Skipped) d).refusal());
        }
        return refused;
    }

    /**
     * Of two refusals, the one a client can act on: a 429 that resets soonest, the later one on a tie (a
     * budget policy's last word, such as {@code both_exhausted}, is the answer), else the first.
     */
    static GatewayException preferred(GatewayException kept, GatewayException next) {
        if (kept == null) {
            return next;
        }
        if (next.status() == 429 && (kept.status() != 429 || retryAfter(next) <= retryAfter(kept))) {
            return next;
        }
        return kept;
    }

    private static long retryAfter(GatewayException e) {
        String value = e.headers().get("retry-after");
        return value == null ? Long.MAX_VALUE : Long.parseLong(value);
    }
}
