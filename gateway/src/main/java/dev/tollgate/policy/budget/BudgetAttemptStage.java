package dev.tollgate.policy.budget;

import dev.tollgate.pipeline.Attempt;
import dev.tollgate.pipeline.AttemptChain;
import dev.tollgate.pipeline.AttemptDecision;
import dev.tollgate.pipeline.AttemptStage;
import dev.tollgate.pipeline.RequestContext;
import java.util.Optional;

/**
 * The first step of each attempt: reserves the attempt's worst case against every budget of its target
 * ({@link BudgetStage} planned them), or skips the target when a budget would pass its limit; gives the
 * reservation back when the rest of the attempt did not answer (a rate limit skipped the target, the
 * upstream failed). What an answered attempt holds is settled when the call ends.
 */
public final class BudgetAttemptStage implements AttemptStage {

    @Override
    public AttemptDecision attempt(Attempt attempt, AttemptChain chain) {
        RequestContext ctx = attempt.ctx();
        Optional<BudgetPolicy.Reservation> budgets = ctx.get(BudgetStage.RESERVATION);
        if (budgets.isEmpty()) {
            return chain.proceed(attempt);
        }
        Optional<BudgetPolicy.Refusal> refused = budgets.get().reserve(attempt.target());
        if (refused.isPresent()) {
            return AttemptDecision.skip(attempt, refused.get().why(), refused.get().error());
        }
        AttemptDecision decision = chain.proceed(attempt);
        if (!(decision instanceof AttemptDecision.Answered)) {
            budgets.get().release(attempt.target());
        }
        return decision;
    }
}
