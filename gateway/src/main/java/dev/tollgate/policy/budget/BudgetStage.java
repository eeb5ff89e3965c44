package dev.tollgate.policy.budget;

import dev.tollgate.pipeline.Chain;
import dev.tollgate.pipeline.ContextKey;
import dev.tollgate.pipeline.RequestContext;
import dev.tollgate.pipeline.Stage;
import dev.tollgate.provider.ProviderResponse;

/**
 * Applies budgets to a planned call: asks the {@link BudgetPolicy} for the budget-aware plan and keeps the
 * call's {@link BudgetPolicy.Reservation} for the attempts ({@link BudgetAttemptStage} reserves on the
 * deployment actually attempted, so a provider-scoped budget is charged for the right one) and for the
 * call's settlement. Runs after routing, before the attempts; never short-circuits itself: a refusal comes
 * from the attempts, as the answer when no step of the plan may be tried.
 */
public final class BudgetStage implements Stage {

    /** The call's reservation, for the attempt stage. */
    static final ContextKey<BudgetPolicy.Reservation> RESERVATION = ContextKey.named("budget reservation");

    private final BudgetPolicy policy;

    public BudgetStage(BudgetPolicy policy) {
        this.policy = policy;
    }

    @Override
    public ProviderResponse process(RequestContext ctx, Chain chain) {
        ctx.plan().flatMap(plan -> policy.decide(ctx, plan)).ifPresent(decision -> {
            ctx.plan(decision.plan());
            ctx.put(RESERVATION, decision.reservation());
            ctx.onSettle(decision.reservation());
        });
        return chain.proceed(ctx);
    }
}
