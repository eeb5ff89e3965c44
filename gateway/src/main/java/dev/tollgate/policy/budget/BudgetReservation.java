package dev.tollgate.policy.budget;

import dev.tollgate.model.UsageEvent;
import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.pipeline.PipelineListener;
import dev.tollgate.pipeline.RequestContext;
import dev.tollgate.provider.Deployment;
import dev.tollgate.store.CounterStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The budget side of one call. Before each attempt it reserves the attempt's worst case against every
 * counter of that deployment in one atomic {@link CounterStore#reserve}; a refused reservation skips the
 * deployment. A failed attempt releases its reservation; when the call ends, {@link #settle} adjusts each
 * counter by {@code actual - reserved} (the billed prompt teaching the deployment's prompt ratio) and reports the budgets' standing. At most one reservation is held
 * at a time, and settling happens once, so nothing is ever released twice or leaked.
 */
final class BudgetReservation implements BudgetPolicy.Reservation {

    private final List<Candidate> order;
    private final CounterStore counters;
    private final BudgetEstimator estimator;
    private final PipelineListener listener;
    private final Clock clock;
    private final List<Candidate> refused = new ArrayList<>(2);
    private Candidate held;
    private boolean settled;

    BudgetReservation(List<Candidate> order, CounterStore counters, BudgetEstimator estimator, PipelineListener listener, Clock clock) {
        this.order = order;
        this.counters = counters;
        this.estimator = estimator;
        this.listener = listener;
        this.clock = clock;
    }

    @Override
    public Optional<BudgetPolicy.Refusal> reserve(Deployment target) {
        Candidate c = find(target);
        if (c == null) {
            return Optional.empty();
        }
        if (held != null) {
            throw new IllegalStateException("a reservation is still held for " + held.provider() + "; release() must come first");
        }
        if (c.behind != null && c.behind.refusal != null) {
            c.refusal = c.provider() + ": kept in reserve past its prefer_fallback threshold";
            refused.add(c);
            return Optional.of(new BudgetPolicy.Refusal("budget: " + c.refusal, refusal()));
        }
        if (c.emergency != null) {
            c.refusal = c.emergency;
            refused.add(c);
            return Optional.of(new BudgetPolicy.Refusal("budget: " + c.refusal,
                    new GatewayException(429, "budget_exceeded", "budget_emergency", null, c.emergency, Map.of())));
        }
        if (!c.counters.isEmpty()) {
            CounterStore.Reservation r = counters.reserve(c.claims());
            if (!r.granted()) {
                c.refusal = c.refusalOf(r.refused(), r.values().get(r.refused()));
                BudgetWindow w = c.counters.get(r.refused()).window();
                c.refusalEnds = w.ends() ? w.end() : null;
                refused.add(c);
                return Optional.of(new BudgetPolicy.Refusal("budget: " + c.refusal, refusal()));
            }
        }
        held = c;
        return Optional.empty();
    }

    @Override
    public void release(Deployment target) {
        if (held != null && held.deployment.equals(target)) {
            release(held);
            held = null;
        }
    }

    /** The call is over and {@code event} is what it is billed: settles what is still held, once. */
    @Override
    public void settle(RequestContext ctx, UsageEvent event) {
        if (settled) {
            return;
        }
        settled = true;
        Candidate c = held;
        held = null;
        if (c == null || c.counters.isEmpty()) {
            return;
        }
        estimator.observe(c.deployment, c.promptCounted, event.usage());
        long[] actual = new long[c.counters.size()];
        List<String> keys = new ArrayList<>(actual.length);
        for (int i = 0; i < actual.length; i++) {
            actual[i] = BudgetEstimator.actual(c.counters.get(i).rule().metric(), event);
            keys.add(c.counters.get(i).key());
        }
        counters.adjust(c.deltas(actual));
        List<Long> now;
        try {
            now = counters.values(keys);
        } catch (dev.tollgate.store.StoreUnavailableException e) {
            return; // the settlement is queued for the counters; standings (alerts) are read again by the next call
        }
        for (int i = 0; i < actual.length; i++) {
            listener.budgetSettled(c.counters.get(i).snapshot(now.get(i)));
        }
    }

    private void release(Candidate c) {
        counters.adjust(c.deltas(new long[c.counters.size()]));
    }

    private Candidate find(Deployment target) {
        for (Candidate c : order) {
            if (c.deployment.equals(target)) {
                return c;
            }
        }
        return null;
    }

    /** 429: one budget named when one deployment was refused, {@code both_exhausted} when the fallback was too. */
    private GatewayException refusal() {
        Instant soonest = null;
        for (Candidate c : refused) {
            if (c.refusalEnds != null && (soonest == null || c.refusalEnds.isBefore(soonest))) {
                soonest = c.refusalEnds;
            }
        }
        Map<String, String> headers = soonest == null ? Map.of()
                : Map.of("retry-after", Long.toString(Math.max(1, (soonest.toEpochMilli() - clock.millis() + 999) / 1000)));
        if (refused.size() == 1) {
            return new GatewayException(429, "budget_exceeded", "budget_exceeded", null, refused.getFirst().refusal, headers);
        }
        List<String> why = new ArrayList<>();
        refused.forEach(c -> why.add(c.refusal));
        // The code leads the message too: Anthropic's error shape has no code field, only type and message.
        return new GatewayException(429, "budget_exceeded", "both_exhausted", null,
                "both_exhausted: every provider for this call is out of budget: " + String.join("; ", why), headers);
    }
}
