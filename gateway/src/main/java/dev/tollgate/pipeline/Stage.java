package dev.tollgate.pipeline;

import dev.tollgate.provider.ProviderResponse;

/**
 * One step of the request path. A stage either answers itself (short-circuit: return a response or
 * throw {@link GatewayException}) or calls {@link Chain#proceed} exactly once and may look at what comes
 * back. Stages keep no per-request state of their own: that lives in {@link RequestContext}.
 */
@FunctionalInterface
public interface Stage {

    ProviderResponse process(RequestContext ctx, Chain chain);
}
