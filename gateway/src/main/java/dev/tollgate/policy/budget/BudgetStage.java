package dev.tollgate.policy.budget;

import dev.tollgate.pipeline.Chain;
import dev.tollgate.pipeline.RequestContext;
import dev.tollgate.pipeline.Stage;
import dev.tollgate.provider.ProviderResponse;

/**
 * Applies budgets to a routed call: asks the {@link BudgetPolicy} for the budget-aware order of the
 * route and installs its guard, which reserves against every matching budget just before each upstream
 * attempt (so a provider-scoped budget is charged for the deployment actually attempted) and settles
 * the call when it ends. Runs after routing and before the provider call; never short-circuits itself:
 * a refusal comes from the guard, as the answer when no deployment of the route may be attempted.
 */
public final class BudgetStage implements Stage {

    private final BudgetPolicy policy;

    public BudgetStage(BudgetPolicy policy) {
        this.policy = policy;
    }

    @Override
    public ProviderResponse process(RequestContext ctx, Chain chain) {
        policy.decide(ctx).ifPresent(decision -> {
            String reason = decision.reason().or(ctx::routingReason).orElse(null);
            ctx.route(ctx.requestedModel().orElse(null), decision.route(), reason);
            ctx.guard(decision.guard());
            ctx.onSettle(decision.settlement());
        });
        return chain.proceed(ctx);
    }
}
