package dev.tollgate.policy.routing;

import dev.tollgate.model.Principal;
import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.pipeline.RequestContext;
import dev.tollgate.pipeline.RoutePlan;
import dev.tollgate.pipeline.RouteStep;
import dev.tollgate.provider.Deployment;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A concrete model goes to the providers that serve it, in configuration order (later ones are the
 * fallbacks): {@code explicit: openai serves gpt-4o-mini}.
 */
public final class ExplicitRouting implements RoutingStrategy {

    private final ModelCatalog catalog;

    public ExplicitRouting(ModelCatalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public RoutePlan plan(RequestContext ctx, String model) {
        return plan(ctx, model, how -> "explicit: " + how);
    }

    /** The plan, each step's reason made from its {@code how} ({@code openai serves gpt-4o-mini}). */
    RoutePlan plan(RequestContext ctx, String model, UnaryOperator<String> reason) {
        Principal principal = ctx.principal().orElseThrow(() -> new IllegalStateException("auth must run before routing"));
        if (!principal.mayUse(model)) {
            throw notAllowed(model);
        }
        List<RouteStep> steps = new ArrayList<>();
        for (Deployment d : catalog.resolve(model)) {
            steps.add(RouteStep.of(d, reason.apply(d.providerName() + " serves " + model)));
        }
        if (steps.isEmpty()) {
            throw notServed(model);
        }
        return new RoutePlan(model, steps);
    }

    static GatewayException notAllowed(String model) {
        return GatewayException.forbidden("model_not_allowed", "this key may not use model '" + model + "'");
    }

    static GatewayException notServed(String model) {
        return GatewayException.notFound("model_not_found", "model",
                "model '" + model + "' is not served by any configured provider (GET /v1/models lists them)");
    }
}
