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

    static PipelineListener all(List<PipelineListener> listeners) {
        List<PipelineListener> copy = List.copyOf(listeners);
        return new PipelineListener() {
            @Override
            public void upstreamAttempt(RequestContext ctx, Deployment deployment) {
                copy.forEach(l -> l.upstreamAttempt(ctx, deployment));
            }

            @Override
            public void upstreamFailed(RequestContext ctx, Deployment deployment, UpstreamException failure) {
                copy.forEach(l -> l.upstreamFailed(ctx, deployment, failure));
            }

            @Override
            public void firstToken(RequestContext ctx) {
                copy.forEach(l -> l.firstToken(ctx));
            }

            @Override
            public void completed(UsageEvent event) {
                copy.forEach(l -> l.completed(event));
            }

            @Override
            public void budgetSettled(BudgetSnapshot snapshot) {
                copy.forEach(l -> l.budgetSettled(snapshot));
            }
        };
    }
}
