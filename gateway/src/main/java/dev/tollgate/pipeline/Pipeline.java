package dev.tollgate.pipeline;

import dev.tollgate.model.Principal;
import dev.tollgate.model.Usage;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.provider.Deployment;
import dev.tollgate.provider.ProviderResponse;
import dev.tollgate.usage.PriceTable;
import java.time.Clock;
import java.util.List;
import dev.tollgate.model.TimeOrderedId;

/**
 * The request path as one list of stages, and the end of every call: {@link #finish} turns a context
 * and its outcome into exactly one {@link UsageEvent} for the listeners (ledger, metrics, alerts).
 */
public final class Pipeline {

    private final List<Stage> stages;
    private final PipelineListener listener;
    private final PriceTable prices;
    private final Clock clock;

    public Pipeline(List<Stage> stages, PipelineListener listener, PriceTable prices, Clock clock) {
        this.stages = List.copyOf(stages);
        this.listener = listener;
        this.prices = prices;
        this.clock = clock;
    }

    public RequestContext newContext(String requestId, Endpoint endpoint, Inbound inbound) {
        return new RequestContext(requestId, endpoint, clock.instant(), System.nanoTime(), inbound);
    }

    /** Runs the stages; returns the upstream's answer or throws {@link GatewayException}. */
    public ProviderResponse execute(RequestContext ctx) {
        return new Chain(stages, 0).proceed(ctx);
    }

    public PipelineListener listener() {
        return listener;
    }

    /** Marks the first content token of a stream as sent. */
    public void firstToken(RequestContext ctx) {
        if (ctx.firstTokenNanos() < 0) {
            ctx.markFirstToken(System.nanoTime());
            listener.firstToken(ctx);
        }
    }

    /** How a call ended, as the client saw it. */
    public record Outcome(int status, Usage usage, String errorCode) {

        public static Outcome ok(Usage usage) {
            return new Outcome(200, usage, null);
        }

        public static Outcome failed(GatewayException e, Usage usage) {
            return new Outcome(e.status(), usage, e.code());
        }
    }

    /** Ends the call: builds its usage event and hands it to the listeners. Call exactly once per call. */
    public UsageEvent finish(RequestContext ctx, Outcome outcome) {
        ctx.markFinished();
        Principal principal = ctx.principal().orElse(null);
        String provider = ctx.deployment().map(Deployment::providerName).orElse(null);
        String model = ctx.deployment().map(Deployment::upstreamModel)
                .or(ctx::requestedModel)
                .or(() -> ctx.request().flatMap(r -> r.model()))
                .orElse(null);
        PriceTable.Cost cost = ctx.deployment().isEmpty() || model == null ? PriceTable.Cost.NONE
                : prices.cost(ctx.deployment().get().provider().kind(), provider, model, outcome.usage());
        long latencyMs = (System.nanoTime() - ctx.startNanos()) / 1_000_000;
        long ttft = ctx.firstTokenNanos();
        UsageEvent event = new UsageEvent(
                TimeOrderedId.next(ctx.startedAt().toEpochMilli()).toString(),
                ctx.startedAt(),
                ctx.requestId(),
                principal == null ? null : principal.orgId(),
                principal == null ? null : principal.keyId(),
                ctx.agent().orElse(null),
                ctx.feature().orElse(null),
                ctx.endpoint().wireName(),
                "proxy",
                provider,
                model,
                outcome.usage(),
                cost.usd(),
                cost.known(),
                0,
                latencyMs,
                ttft < 0 ? -1 : ttft / 1_000_000,
                outcome.status(),
                outcome.errorCode(),
                ctx.request().map(r -> r.stream()).orElse(false),
                ctx.attempts(),
                "miss",
                ctx.routingReason().orElse(null));
        try {
            ctx.settle(event);
        } finally {
            listener.completed(event);
        }
        return event;
    }
}
