package dev.tollgate.pipeline;

import dev.tollgate.model.UsageEvent;

/**
 * Sees the answer of a call that ended {@link Ending#DELIVERED}, once, when it is settled and before its
 * last bytes go out: the one place a cache stage fills from a successful call, plain or streamed. A stage
 * registers it with {@link RequestContext#onDelivered}; calls that end any other way never reach it.
 * It runs on the request's thread: keep it quick, queue anything slow. What it throws is logged.
 */
@FunctionalInterface
public interface DeliveredHook {

    void delivered(RequestContext ctx, DeliveredAnswer answer, UsageEvent billed);
}
