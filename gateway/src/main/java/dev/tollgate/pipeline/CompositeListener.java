package dev.tollgate.pipeline;

import dev.tollgate.model.BudgetSnapshot;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.provider.Deployment;
import dev.tollgate.provider.UpstreamException;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Several listeners as one, called in order. One that throws despite the contract is logged and the
 * others still run: a usage recorder that fails must not keep the budgets from being charged, nor fail
 * an answer the upstream was already paid for.
 */
final class CompositeListener implements PipelineListener {

    private static final Logger LOG = LoggerFactory.getLogger(CompositeListener.class);

    private final List<PipelineListener> listeners;

    CompositeListener(List<PipelineListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    @Override
    public void upstreamAttempt(RequestContext ctx, Deployment deployment) {
        each(l -> l.upstreamAttempt(ctx, deployment));
    }

    @Override
    public void upstreamFailed(RequestContext ctx, Deployment deployment, UpstreamException failure) {
        each(l -> l.upstreamFailed(ctx, deployment, failure));
    }

    @Override
    public void firstToken(RequestContext ctx) {
        each(l -> l.firstToken(ctx));
    }

    @Override
    public void completed(UsageEvent event) {
        each(l -> l.completed(event));
    }

    @Override
    public void budgetSettled(BudgetSnapshot snapshot) {
        each(l -> l.budgetSettled(snapshot));
    }

    private void each(Consumer<PipelineListener> call) {
        for (PipelineListener l : listeners) {
            try {
                call.accept(l);
            } catch (RuntimeException e) {
                LOG.error("pipeline listener {} failed; the others still ran", l.getClass().getSimpleName(), e);
            }
        }
    }
}
