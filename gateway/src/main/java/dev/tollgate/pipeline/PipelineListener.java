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
 * Observes the pipeline without being part of it: usage recording, metrics and alerts (like OkHttp's
 * {@code EventListener}: no-op callbacks, a {@link #NONE} instance). Callbacks run on the request's
 * thread and must be quick; anything slow belongs on a queue. A listener that throws is logged and does
 * not keep the others ({@link #all}) from being told.
 *
 * <p>Per call, in order: {@link #refused} when Tollgate itself said no (any status, also before
 * authentication), {@link #upstreamAttempt} / {@link #upstreamFailed} per attempt, {@link #firstToken}
 * for streams, and {@link #completed} exactly once for every call that passed authentication (calls
 * refused before it have no usage event: anyone could fill the ledger with them).
 */
public interface PipelineListener {

    PipelineListener NONE = new PipelineListener() {
    };

    /**
     * Tollgate refused the call before any upstream was tried: 401, 403, 413, 400, a key's 429 (before
     * routing), a budget's or a deployment limit's 429 (after it). {@code ctx.principal()} is empty when
     * the call was refused before authentication.
     */
    default void refused(RequestContext ctx, GatewayException refusal) {
    }

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
     * A deployment's circuit breaker changed state (the hook a breaker in the attempt chain feeds: call it on
     * every transition, from any thread; the metrics' circuit-state gauge shows the latest per deployment).
     */
    default void circuitChanged(Deployment deployment, CircuitState state) {
    }

    /** All of {@code listeners}, in order; each callback reaches every one, whatever the others throw. */
    static PipelineListener all(List<PipelineListener> listeners) {
        return new Isolated(List.copyOf(listeners));
    }

    /** Tells every listener, logging (never propagating) what one throws. */
    final class Isolated implements PipelineListener {

        private static final Logger LOG = LoggerFactory.getLogger(PipelineListener.class);

        private final List<PipelineListener> listeners;

        private Isolated(List<PipelineListener> listeners) {
            this.listeners = listeners;
        }

        private void each(String callback, Consumer<PipelineListener> call) {
            for (PipelineListener l : listeners) {
                try {
                    call.accept(l);
                } catch (RuntimeException e) {
                    LOG.error("pipeline listener {} failed in {}; the other listeners were still told", l.getClass().getName(), callback, e);
                }
            }
        }

        @Override
        public void refused(RequestContext ctx, GatewayException refusal) {
            each("refused", l -> l.refused(ctx, refusal));
        }

        @Override
        public void upstreamAttempt(RequestContext ctx, Deployment deployment) {
            each("upstreamAttempt", l -> l.upstreamAttempt(ctx, deployment));
        }

        @Override
        public void upstreamFailed(RequestContext ctx, Deployment deployment, UpstreamException failure) {
            each("upstreamFailed", l -> l.upstreamFailed(ctx, deployment, failure));
        }

        @Override
        public void firstToken(RequestContext ctx) {
            each("firstToken", l -> l.firstToken(ctx));
        }

        @Override
        public void completed(UsageEvent event) {
            each("completed", l -> l.completed(event));
        }

        @Override
        public void budgetSettled(BudgetSnapshot snapshot) {
            each("budgetSettled", l -> l.budgetSettled(snapshot));
        }

        @Override
        public void circuitChanged(Deployment deployment, CircuitState state) {
            each("circuitChanged", l -> l.circuitChanged(deployment, state));
        }
    }
}
