package dev.tollgate.policy.budget;

import dev.tollgate.config.BudgetRuleConfig;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.pipeline.PipelineListener;
import dev.tollgate.store.Claim;
import dev.tollgate.store.CounterStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Charges calls reported by SDKs ({@code POST /api/log}, made outside the proxy) to the budgets they
 * match in the current period, so counters agree with the ledger they are re-seeded from after a
 * restart. Such calls were never reserved: they are added as they are, and may take a budget past its limit.
 * A retried batch is charged once: the ids of the last {@value #REMEMBERED} events are remembered (the
 * ledger is idempotent by id over its whole retention; an older resend is set right by the next re-seeding).
 */
public final class BudgetChargeListener implements PipelineListener {

    private final BudgetRuleSet rules;
    private final CounterStore counters;
    static final int REMEMBERED = 100_000;

    private final Clock clock;
    private final Map<String, Boolean> seen = new java.util.LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED;
        }
    };

    public BudgetChargeListener(BudgetRuleSet rules, CounterStore counters, Clock clock) {
        this.rules = rules;
        this.counters = counters;
        this.clock = clock;
    }

    @Override
    public void completed(UsageEvent event) {
        if (!"sdk".equals(event.source()) || !firstTime(event.id())) {
            return;
        }
        Instant now = clock.instant();
        CallScope scope = new CallScope(event.orgId(), event.keyId(), event.agent(), event.feature(), event.provider(), event.model());
        List<Claim> deltas = new ArrayList<>();
        for (BudgetRuleConfig rule : rules.rules()) {
            Map<String, String> values = scope.match(rule);
            BudgetWindow window = BudgetWindow.of(rule.period(), rule.zone(), now);
            if (values == null || event.time().isBefore(window.start()) || !event.time().isBefore(window.end())) {
                continue;
            }
            BudgetCounter counter = BudgetCounter.of(rule, values, window);
            deltas.add(new Claim(counter.key(), BudgetEstimator.actual(rule.metric(), event), Claim.NO_LIMIT, window.end()));
        }
        if (!deltas.isEmpty()) {
            counters.adjust(deltas);
        }
    }

    private boolean firstTime(String id) {
        synchronized (seen) {
            return seen.put(id, Boolean.TRUE) == null;
        }
    }
}
