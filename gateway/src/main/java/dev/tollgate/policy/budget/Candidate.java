package dev.tollgate.policy.budget;

import dev.tollgate.config.BudgetRuleConfig.Action;
import dev.tollgate.config.BudgetRuleConfig.Threshold;
import dev.tollgate.model.CanonicalRequest;
import dev.tollgate.provider.Deployment;
import dev.tollgate.store.Claim;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One deployment a call may be sent to, with the budget counters it would be charged to, the worst-case
 * amount for each, and where each counter stood when the call was planned. Confined to the call's thread.
 */
final class Candidate {

    final Deployment deployment;
    final CanonicalRequest request;
    final List<BudgetCounter> counters;
    final long[] amounts;
    /** The prompt as Tollgate counted it, which the amounts reserve at the deployment's upper bound. */
    final long promptCounted;
    long[] used;
    /** The candidate this one was demoted behind (its fallback target); when that one ran out of budget, so does this. */
    Candidate behind;
    /** Why this candidate may not be used by this caller (emergency), or null. */
    String emergency;
    /** Why the reservation was refused, or null. */
    String refusal;
    Instant refusalEnds;

    Candidate(Deployment deployment, CanonicalRequest request, List<BudgetCounter> counters, long[] amounts, long promptCounted) {
        this.deployment = deployment;
        this.promptCounted = promptCounted;
        this.request = request;
        this.counters = List.copyOf(counters);
        this.amounts = amounts;
        this.used = new long[counters.size()];
    }

    List<Claim> claims() {
        List<Claim> out = new ArrayList<>(counters.size());
        for (int i = 0; i < counters.size(); i++) {
            out.add(counters.get(i).claim(amounts[i]));
        }
        return out;
    }

    List<Claim> deltas(long[] actual) {
        List<Claim> out = new ArrayList<>(counters.size());
        for (int i = 0; i < counters.size(); i++) {
            BudgetCounter c = counters.get(i);
            out.add(new Claim(c.key(), actual[i] - amounts[i], Claim.NO_LIMIT, c.window().end()));
        }
        return out;
    }

    /** The first counter past its {@code action} threshold as planned, or -1. */
    int past(Action action) {
        for (int i = 0; i < counters.size(); i++) {
            BudgetCounter c = counters.get(i);
            Optional<Threshold> t = c.rule().threshold(action);
            if (t.isPresent() && c.fraction(used[i]) >= t.get().at()) {
                return i;
            }
        }
        return -1;
    }

    /** The first counter this call would push past its hard limit, as planned, or -1. */
    int overLimit() {
        for (int i = 0; i < counters.size(); i++) {
            if (used[i] + amounts[i] > counters.get(i).hardLimit()) {
                return i;
            }
        }
        return -1;
    }

    String provider() {
        return deployment.providerName();
    }

    /** "anthropic at 95.2% of 140000 tokens for agent imperium" */
    String standing(int i) {
        BudgetCounter c = counters.get(i);
        return provider() + " at " + percent(c.fraction(used[i])) + " of " + amount(c, c.rule().limit()) + " for " + c.describeScope();
    }

    /** "budget 'x' (agent imperium, provider anthropic): 139500 of 140000 tokens used this month, this call may need up to 1200" */
    String refusalOf(int i, long usedNow) {
        BudgetCounter c = counters.get(i);
        String period = switch (c.rule().period()) {
            case DAY -> "today";
            case MONTH -> "this month";
            case TOTAL -> "in total";
        };
        String resets = c.window().ends() ? "; resets at " + c.window().end() : "";
        return provider() + ": budget '" + c.rule().name() + "' (" + c.describeScope() + ") would pass its limit: "
                + amount(c, usedNow) + " of " + amount(c, c.hardLimit()) + " used " + period + ", this call may need up to "
                + amount(c, amounts[i]) + resets;
    }

    static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.1f%%", fraction * 100);
    }

    static String amount(BudgetCounter c, long value) {
        return switch (c.rule().metric()) {
            case COST_USD -> "$" + c.rule().metric().display(value);
            case REQUESTS -> value + " requests";
            default -> value + " tokens";
        };
    }
}
