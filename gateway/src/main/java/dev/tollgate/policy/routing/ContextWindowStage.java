package dev.tollgate.policy.routing;

import dev.tollgate.pipeline.Attempt;
import dev.tollgate.pipeline.AttemptChain;
import dev.tollgate.pipeline.AttemptDecision;
import dev.tollgate.pipeline.AttemptStage;
import dev.tollgate.pipeline.ContextKey;
import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.pipeline.RequestContext;
import dev.tollgate.provider.Deployment;
import java.util.Optional;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * A prompt too long for a model falls over to a larger one. When an upstream refuses the prompt as too long for its
 * context window ({@link dev.tollgate.provider.UpstreamException#contextLengthExceeded()}), the fallback stage goes on
 * with the plan, and this first attempt stage skips every later step that cannot do better: the same model, or a model
 * whose known context window is not larger than the one that refused. A plan holds larger models when an alias lists
 * them ({@code long: [gpt-4o-mini, gpt-4.1]}), when the autopilot chose among candidates (it already leaves out those
 * whose window the prompt estimate does not fit), or when an explicit model's plan ends with the configured candidates
 * of a larger window ({@link ExplicitRouting}): those steps are skipped unless a prompt was refused as too long. When
 * nothing larger is left, the client gets the upstream's own error.
 */
public final class ContextWindowStage implements AttemptStage {

    /** The largest window (0: unknown) and the model that refused the prompt as too long. */
    record TooLong(String model, int window) {
    }

    private static final ContextKey<TooLong> TOO_LONG = ContextKey.named("context-too-long");
    private static final ContextKey<Set<Deployment>> ONLY_WHEN_TOO_LONG = ContextKey.named("context-fallover-steps");

    /** Marks {@code deployments} of the call's plan as there for a prompt too long only: skipped unless one was refused. */
    static void onlyWhenTooLong(RequestContext ctx, Set<Deployment> deployments) {
        ctx.put(ONLY_WHEN_TOO_LONG, Set.copyOf(deployments));
    }

    private final ToIntFunction<Deployment> windowOf;

    /** @param windowOf a deployment's model's context window in tokens, 0 when unknown */
    public ContextWindowStage(ToIntFunction<Deployment> windowOf) {
        this.windowOf = windowOf;
    }

    @Override
    public AttemptDecision attempt(Attempt attempt, AttemptChain chain) {
        RequestContext ctx = attempt.ctx();
        Deployment target = attempt.target();
        Optional<TooLong> refused = ctx.get(TOO_LONG);
        if (refused.isEmpty() && ctx.get(ONLY_WHEN_TOO_LONG).map(s -> s.contains(target)).orElse(false)) {
            return AttemptDecision.skip(attempt, "context fallover: " + target.providerName() + " not needed (the prompt was not refused as too long)",
                    GatewayException.badRequest("model", "no provider could take the call"));
        }
        if (refused.isPresent()) {
            int window = windowOf.applyAsInt(target);
            TooLong before = refused.get();
            if (target.upstreamModel().equals(before.model()) || window > 0 && before.window() > 0 && window <= before.window()) {
                String why = "context: " + target.providerName() + " serves " + target.upstreamModel()
                        + (window > 0 ? " (window " + window + ")" : "") + ", not larger than " + before.model();
                return AttemptDecision.skip(attempt, why, GatewayException.badRequest("messages",
                        "the prompt is too long for every model this call may use"));
            }
        }
        AttemptDecision decision = chain.proceed(attempt);
        if (decision instanceof AttemptDecision.Failed failed && failed.failure().contextLengthExceeded()) {
            int window = windowOf.applyAsInt(target);
            ctx.put(TOO_LONG, new TooLong(target.upstreamModel(), Math.max(window, refused.map(TooLong::window).orElse(0))));
        }
        return decision;
    }

}
