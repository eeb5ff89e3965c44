package dev.tollgate.policy.cache;

import dev.tollgate.pipeline.Chain;
import dev.tollgate.pipeline.RequestContext;
import dev.tollgate.pipeline.Stage;
import dev.tollgate.provider.ProviderResponse;
import java.util.Optional;

/**
 * The response cache in the request path: after routing (its keys use the resolved model) and before budgets (a
 * hit reserves nothing and calls no upstream). A hit answers the call with a stored answer, whole or replayed as a
 * stream, with {@code x-tollgate-cache: exact | semantic | workflow}; the call is billed nothing and its event
 * carries the cost avoided. A miss proceeds and registers for the delivered answer, which fills the call's tiers
 * only if it was delivered in full. Refuses with 400 a malformed {@code X-Tollgate-Cache}, {@code X-Tollgate-Task}
 * or {@code X-Tollgate-Step} header. The tiers, keys and rules are {@link CachePolicy}'s.
 */
public final class CacheStage implements Stage {

    private final CachePolicy policy;

    public CacheStage(CachePolicy policy) {
        this.policy = policy;
    }

    @Override
    public ProviderResponse process(RequestContext ctx, Chain chain) {
        Optional<CacheCall> call = policy.plan(ctx);
        if (call.isEmpty()) {
            return chain.proceed(ctx);
        }
        Optional<ProviderResponse> hit = call.get().lookup();
        if (hit.isPresent()) {
            return hit.get();
        }
        call.get().fillWhenDelivered();
        return chain.proceed(ctx);
    }
}
