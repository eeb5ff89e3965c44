package dev.tollgate.policy.routing;

import dev.tollgate.model.Principal;
import dev.tollgate.pipeline.RequestContext;
import dev.tollgate.pipeline.RoutePlan;
import dev.tollgate.pipeline.RouteStep;
import dev.tollgate.provider.Deployment;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * An alias goes to its targets in order, each with the providers that serve it, and names itself in the
 * reason: {@code explicit: alias fast -> gpt-4o-mini: openai serves gpt-4o-mini}. A key restricted to some
 * models may use an alias it is allowed, or the targets of it that it is allowed.
 */
public final class AliasRouting implements RoutingStrategy {

    private final ModelCatalog catalog;

    public AliasRouting(ModelCatalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public RoutePlan plan(RequestContext ctx, String alias) {
        return plan(ctx, alias, how -> "explicit: " + how);
    }

    /** The plan, each step's reason made from its {@code how} ({@code alias fast -> gpt-4o-mini: openai serves gpt-4o-mini}). */
    RoutePlan plan(RequestContext ctx, String alias, UnaryOperator<String> reason) {
        Principal principal = ctx.principal().orElseThrow(() -> new IllegalStateException("auth must run before routing"));
        List<String> targets = catalog.targets(alias).stream().filter(t -> principal.mayUse(alias) || principal.mayUse(t)).toList();
        if (targets.isEmpty()) {
            throw ExplicitRouting.notAllowed(alias);
        }
        String expansion = "alias " + alias + " -> " + String.join(", ", targets) + ": ";
        List<RouteStep> steps = new ArrayList<>();
        for (String target : targets) {
            for (Deployment d : catalog.resolve(target)) {
                steps.add(RouteStep.of(d, reason.apply(expansion + d.providerName() + " serves " + target)));
            }
        }
        if (steps.isEmpty()) {
            throw ExplicitRouting.notServed(alias);
        }
        return new RoutePlan(alias, steps);
    }
}
