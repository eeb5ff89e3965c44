package dev.tollgate.policy.ratelimit;

import dev.tollgate.model.Principal;
import dev.tollgate.model.RateLimits;
import dev.tollgate.pipeline.Chain;
import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.pipeline.RequestContext;
import dev.tollgate.pipeline.Stage;
import dev.tollgate.provider.ProviderResponse;

/**
 * The caller's key limits (requests and tokens per minute), after the request is parsed and before
 * routing. Short-circuits with 429 ({@code rate_limit_error} / {@code rate_limit_exceeded}, {@code Retry-After},
 * {@code x-ratelimit-*}) when a window is full; otherwise proceeds once. Deployment limits are applied per
 * attempt by {@link DeploymentLimitStage}, where a deployment at its limit makes the plan's next step serve.
 */
public final class RateLimitStage implements Stage {

    private final RateLimitPolicy policy;

    public RateLimitStage(RateLimitPolicy policy) {
        this.policy = policy;
    }

    @Override
    public ProviderResponse process(RequestContext ctx, Chain chain) {
        Principal principal = ctx.principal().orElseThrow(() -> new IllegalStateException("auth must run before rate limits"));
        RateLimits limits = policy.keyLimits(principal);
        if (limits.any()) {
            GatewayException refused = policy.admitKey(ctx, principal.keyId(), limits);
            if (refused != null) {
                throw refused;
            }
        }
        return chain.proceed(ctx);
    }
}
