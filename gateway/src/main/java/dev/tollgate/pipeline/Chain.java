package dev.tollgate.pipeline;

import dev.tollgate.provider.ProviderResponse;
import java.util.List;

/** The rest of the pipeline as one stage sees it. Enforces that each stage proceeds at most once. */
public final class Chain {

    private final List<Stage> stages;
    private final int index;
    private boolean proceeded;

    Chain(List<Stage> stages, int index) {
        this.stages = stages;
        this.index = index;
    }

    public ProviderResponse proceed(RequestContext ctx) {
        if (proceeded) {
            throw new IllegalStateException(stages.get(index - 1).getClass().getSimpleName()
                    + " must call proceed() at most once");
        }
        proceeded = true;
        if (index >= stages.size()) {
            throw new IllegalStateException("the last stage must answer, not proceed()");
        }
        return stages.get(index).process(ctx, new Chain(stages, index + 1));
    }
}
