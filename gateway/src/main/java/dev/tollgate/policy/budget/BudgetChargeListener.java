package dev.tollgate.policy.budget;

import dev.tollgate.model.UsageEvent;
import dev.tollgate.pipeline.PipelineListener;

/**
 * Charges calls reported by SDKs ({@code POST /api/log}, made outside the proxy) to the budgets they
 * match, so counters agree with the ledger they are re-seeded from after a restart. Such calls were
 * never reserved: they are added as they are, and may take a budget past its limit.
 */
public final class BudgetChargeListener implements PipelineListener {

    private final CounterBudgetPolicy policy;

    public BudgetChargeListener(CounterBudgetPolicy policy) {
        this.policy = policy;
    }

    @Override
    public void completed(UsageEvent event) {
        if ("sdk".equals(event.source())) {
            policy.charge(event);
        }
    }
}
