package dev.tollgate.pipeline;

import java.util.List;

/**
 * The rest of one attempt's chain as one attempt stage sees it. Enforces that each stage proceeds at most once, and
 * {@linkplain #retry retries} only what failed before the client got a byte.
 */
public final class AttemptChain {

    private final List<AttemptStage> stages;
    private final int index;
    private boolean proceeded;
    private AttemptDecision last;

    AttemptChain(List<AttemptStage> stages, int index) {
        this.stages = stages;
        this.index = index;
    }

    public AttemptDecision proceed(Attempt attempt) {
        if (proceeded) {
            throw new IllegalStateException(stages.get(index - 1).getClass().getSimpleName() + " must call proceed() at most once");
        }
        proceeded = true;
        if (index >= stages.size()) {
            throw new IllegalStateException("the last attempt stage must decide the attempt (call the upstream), not proceed()");
        }
        last = stages.get(index).attempt(attempt, new AttemptChain(stages, index + 1));
        return last;
    }

    /**
     * Runs the rest of the chain once more for the same step (a retry of its deployment: reservation, limits, breaker
     * and upstream call again). Only after {@link #proceed} or a previous retry returned {@link AttemptDecision.Failed}:
     * an answered attempt has reached the client (or will), and a skipped one was never sent.
     */
    public AttemptDecision retry(Attempt attempt) {
        if (!proceeded) {
            throw new IllegalStateException(stages.get(index - 1).getClass().getSimpleName() + " must proceed() before it retries");
        }
        if (!(last instanceof AttemptDecision.Failed)) {
            throw new IllegalStateException("only a failed attempt is retried, not " + last.getClass().getSimpleName());
        }
        last = stages.get(index).attempt(attempt, new AttemptChain(stages, index + 1));
        return last;
    }
}
