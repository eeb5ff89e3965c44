package dev.tollgate.pipeline;

import dev.tollgate.model.Principal;
import dev.tollgate.model.TimeOrderedId;
import dev.tollgate.model.Usage;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.provider.Deployment;
import dev.tollgate.usage.PriceTable;
import java.util.Optional;

/**
 * The one place a call ends. {@link #settle} runs exactly once per call, whichever way it ended
 * ({@link Ending}): it prices the call and builds its usage event, settles what the policies reserved
 * ({@link RequestContext#onSettle}: rate limits, budgets), hands a delivered answer to the
 * {@link DeliveredHook}s (the cache), bills a call answered from the cache nothing, tells the listeners of a refusal, and hands the event to them
 * (ledger, metrics, alerts) when the call passed authentication. A second settlement of one call is a
 * programming error and is refused.
 */
final class CallSettler {

    private final PipelineListener listener;
    private final PriceTable prices;

    CallSettler(PipelineListener listener, PriceTable prices) {
        this.listener = listener;
        this.prices = prices;
    }

    UsageEvent settle(RequestContext ctx, Outcome outcome) {
        ctx.markSettled(outcome.ending());
        UsageEvent event = event(ctx, outcome);
        ctx.runSettlements(event);
        if (outcome.delivered() != null) {
            ctx.runDeliveredHooks(outcome.delivered(), event);
        }
        if (outcome.refusal() != null) {
            listener.refused(ctx, outcome.refusal());
        }
        if (ctx.principal().isPresent()) {
            listener.completed(event);
        }
        return event;
    }

    /** Marks the first content token of a stream as sent, once. */
    void firstToken(RequestContext ctx) {
        if (ctx.firstTokenNanos() < 0) {
            ctx.markFirstToken(System.nanoTime());
            listener.firstToken(ctx);
        }
    }

    private UsageEvent event(RequestContext ctx, Outcome outcome) {
        Principal principal = ctx.principal().orElse(null);
        Deployment deployment = ctx.deployment().orElse(null);
        String provider = deployment == null ? ctx.cachedProvider().orElse(null) : deployment.providerName();
        String model = ctx.deployment().map(Deployment::upstreamModel)
                .or(ctx::cachedModel)
                .or(ctx::requestedModel)
                .or(() -> ctx.request().flatMap(r -> r.model()))
                .orElse(null);
        // A call answered from the cache reached no upstream: no tokens billed, nothing owed (what it saved is savedUsd).
        boolean cached = ctx.fromCache();
        Usage billed = cached ? Usage.NONE : outcome.usage();
        PriceTable.Cost cost = cached ? new PriceTable.Cost(0, true)
                : deployment == null || model == null ? PriceTable.Cost.NONE
                : prices.cost(deployment.provider().kind(), provider, model, billed);
        long ttft = ctx.firstTokenNanos();
        return new UsageEvent(
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
                billed,
                cost.usd(),
                cost.known(),
                ctx.savedUsd(),
                (System.nanoTime() - ctx.startNanos()) / 1_000_000,
                ttft < 0 ? -1 : ttft / 1_000_000,
                outcome.status(),
                outcome.errorCode(),
                ctx.request().map(r -> r.stream()).orElse(false),
                ctx.attempts(),
                ctx.cacheTier(),
                ctx.routingReason().orElse(null),
                routingFreeCost(ctx, cached, billed, cost));
    }

    /** The usage priced where the call would have gone without routing; the call's own cost when routing chose nothing. */
    private double routingFreeCost(RequestContext ctx, boolean cached, Usage billed, PriceTable.Cost cost) {
        Optional<Deployment> free = ctx.routingFree();
        if (cached || free.isEmpty() || !cost.known()) {
            return cost.usd();
        }
        Deployment d = free.get();
        PriceTable.Cost there = prices.cost(d.provider().kind(), d.providerName(), d.upstreamModel(), billed);
        return there.known() ? there.usd() : cost.usd();
    }
}
