package dev.tollgate.pipeline;

import dev.tollgate.provider.Deployment;
import dev.tollgate.provider.UpstreamException;
import dev.tollgate.model.BudgetSnapshot;
import dev.tollgate.model.UsageEvent;
import java.util.List;

/**
 * Observes the pipeline without being part of it: usage recording, metrics and alerts. Callbacks run on
 * the request's thread and must be quick and must not throw; anything slow belongs on a queue.
 */
public interface PipelineListener {

    PipelineListener NONE = new PipelineListener() {
    };

    /** A call to {@code deployment} is about to start; {@code ctx.attempts()} counts it already. */
    default void upstreamAttempt(RequestContext ctx, Deployment deployment) {
    }

    /** An attempt failed before any byte reached the client; a fallback may follow. */
    default void upstreamFailed(RequestContext ctx, Deployment deployment, UpstreamException failure) {
    }

    /** The first content token is on its way to the client. */
    default void firstToken(RequestContext ctx) {
    }

    /** The call is over, one way or another: exactly one event per call. */
    default void completed(UsageEvent event) {
    }

    /** A budget's standing after a call settled against it (alerts watch these); one per matching budget. */
    default void budgetSettled(BudgetSnapshot snapshot) {
    }

    /**
     * All of {@code listeners}, in order. One that throws despite the contract is logged and the others
     * still run: a failing usage recorder must not keep budgets from being charged, nor fail an answer the
     * upstream was already paid for.
     */
    static PipelineListener all(List<PipelineListener> listeners) {
        return new CompositeListener(listeners);
    }
}
