package dev.tollgate.policy.routing;

import dev.tollgate.pipeline.Chain;
import dev.tollgate.pipeline.RequestContext;
import dev.tollgate.pipeline.Stage;
import dev.tollgate.provider.ProviderResponse;
import java.util.Set;

/**
 * Plans the call: picks the {@link RoutingStrategy} for the model the client named and sets the
 * {@link dev.tollgate.pipeline.RoutePlan} it returns. A concrete model is routed explicitly, an alias by
 * its targets; {@code auto}, {@code tollgate} or no model goes to the autopilot strategy. The plan's deployments of one
 * model are then ordered by {@code routing.strategy} ({@link LoadBalancing}). Short-circuits
 * with the strategy's 400, 403 or 404; otherwise proceeds once.
 */
public final class RoutingStage implements Stage {

    private static final Set<String> AUTOPILOT = Set.of("auto", "tollgate");

    private final ModelCatalog catalog;
    private final RoutingStrategy explicit;
    private final RoutingStrategy aliases;
    private final RoutingStrategy autopilot;
    private final LoadBalancing balancing;

    /** @param autopilot where calls that leave the choice to Tollgate go ({@link AutopilotRouting}) */
    public RoutingStage(ModelCatalog catalog, RoutingStrategy autopilot) {
        this(catalog, autopilot, null);
    }

    /**
     * @param balancing how the deployments serving one model share its calls ({@code routing.strategy}), applied to every
     *                  strategy's plan; {@code null}: configuration order
     */
    public RoutingStage(ModelCatalog catalog, RoutingStrategy autopilot, LoadBalancing balancing) {
        this.catalog = catalog;
        this.explicit = new ExplicitRouting(catalog);
        this.aliases = new AliasRouting(catalog);
        this.autopilot = autopilot;
        this.balancing = balancing;
    }

    @Override
    public ProviderResponse process(RequestContext ctx, Chain chain) {
        String asked = ctx.request().orElseThrow(() -> new IllegalStateException("limits must run before routing"))
                .model().filter(m -> !AUTOPILOT.contains(m)).orElse(null);
        RoutingStrategy strategy = asked == null ? autopilot : catalog.isAlias(asked) ? aliases : explicit;
        var plan = strategy.plan(ctx, asked == null ? "auto" : asked);
        ctx.plan(balancing == null ? plan : balancing.balance(plan));
        return chain.proceed(ctx);
    }
}
