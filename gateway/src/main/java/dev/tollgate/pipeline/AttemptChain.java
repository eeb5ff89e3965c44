package dev.tollgate.pipeline;

import java.util.List;

/** The rest of one attempt's chain as one attempt stage sees it. Enforces that each stage proceeds at most once. */
public final class AttemptChain {

    private final List<AttemptStage> stages;
    private final int index;
    private boolean proceeded;

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
        return stages.get(index).attempt(attempt, new AttemptChain(stages, index + 1));
    }
}
