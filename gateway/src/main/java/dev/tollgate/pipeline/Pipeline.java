package dev.tollgate.pipeline;

import dev.tollgate.provider.ProviderResponse;
import dev.tollgate.store.StoreUnavailableException;
import dev.tollgate.usage.PriceTable;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request path as one list of stages, and the owner of every call's end. {@link #execute} reads the
 * body, runs the stages and returns an {@link Answer}; the call is settled exactly once, inside this
 * package, however it ends ({@link Ending}): one usage event to the listeners (ledger, metrics, alerts),
 * every policy's reservation settled, a delivered answer handed to the {@link DeliveredHook}s.
 */
public final class Pipeline {

    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

    private final List<Stage> stages;
    private final PipelineListener listener;
    private final CallSettler settler;
    private final Clock clock;

    public Pipeline(List<Stage> stages, PipelineListener listener, PriceTable prices, Clock clock) {
        this.stages = List.copyOf(stages);
        this.listener = listener;
        this.settler = new CallSettler(listener, prices);
        this.clock = clock;
    }

    public RequestContext newContext(String requestId, Endpoint endpoint, Inbound inbound) {
        return new RequestContext(requestId, endpoint, clock.instant(), System.nanoTime(), inbound);
    }

    /**
     * Runs the call: reads its body (a body over the limit is refused with 413 before authentication,
     * while the client still sends it), then the stages. A refusal or failure is returned as an
     * {@link Answer.Failed}, already settled; so is a failure inside the gateway (500, logged).
     */
    public Answer execute(RequestContext ctx) {
        ProviderResponse response;
        try {
            ctx.inbound().body();
            response = new Chain(stages, 0).proceed(ctx);
        } catch (GatewayException e) {
            return failed(ctx, ctx.attempts() == 0 ? Ending.REFUSED : Ending.FAILED, e);
        } catch (RuntimeException e) {
            Optional<StoreUnavailableException> outage = StoreUnavailableException.of(e);
            if (outage.isPresent()) {
                // A shared store is out (Redis under fail_closed, or the database): say so, never a 500.
                return failed(ctx, ctx.attempts() == 0 ? Ending.REFUSED : Ending.FAILED, unavailable(outage.get()));
            }
            LOG.error("request {} failed inside the gateway", ctx.requestId(), e);
            return failed(ctx, Ending.FAILED, new GatewayException(500, "server_error", "internal_error", null,
                    "the gateway failed to handle this request (request id " + ctx.requestId() + ")", Map.of()));
        }
        return switch (response) {
            case ProviderResponse.Complete complete -> new Answer.Whole(ctx, complete, settler);
            case ProviderResponse.Streaming streaming -> new Answer.Streamed(ctx, streaming, settler);
        };
    }

    /** 503 in the caller's dialect, saying which store is out; {@code Retry-After: 1}. */
    public static GatewayException unavailable(StoreUnavailableException e) {
        return e.counters()
                ? new GatewayException(503, "service_unavailable", "counter_store_unavailable", null,
                        "budgets and rate limits cannot be checked now, so this call is refused (" + e.getMessage() + "); retry shortly",
                        Map.of("Retry-After", "1"))
                : new GatewayException(503, "service_unavailable", "store_unavailable", null,
                        "a store this call needs cannot be reached now (" + e.getMessage() + "); retry shortly", Map.of("Retry-After", "1"));
    }

    private Answer failed(RequestContext ctx, Ending ending, GatewayException error) {
        settler.settle(ctx, Outcome.failed(ending, error));
        return new Answer.Failed(ctx, error);
    }

    public PipelineListener listener() {
        return listener;
    }
}
