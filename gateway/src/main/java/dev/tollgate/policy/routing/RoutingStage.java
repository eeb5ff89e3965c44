package dev.tollgate.policy.routing;

import dev.tollgate.model.Principal;
import dev.tollgate.pipeline.Chain;
import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.pipeline.RequestContext;
import dev.tollgate.pipeline.Stage;
import dev.tollgate.provider.Deployment;
import dev.tollgate.provider.ProviderResponse;
import java.util.List;
import java.util.Set;

/**
 * Picks the deployments for the call. A concrete model is routed explicitly to the providers that serve
 * it, in configuration order (later ones are fallbacks). {@code auto}, {@code tollgate} or no model
 * means autopilot, which for now sends the call to the default model.
 */
public final class RoutingStage implements Stage {

    private static final Set<String> AUTOPILOT = Set.of("auto", "tollgate");

    private final ModelCatalog catalog;
    private final String defaultModel;

    public RoutingStage(ModelCatalog catalog, String defaultModel) {
        this.catalog = catalog;
        this.defaultModel = defaultModel;
    }

    @Override
    public ProviderResponse process(RequestContext ctx, Chain chain) {
        String asked = ctx.request().orElseThrow(() -> new IllegalStateException("limits must run before routing"))
                .model().filter(m -> !AUTOPILOT.contains(m)).orElse(null);
        if (asked == null && defaultModel.isEmpty()) {
            throw GatewayException.badRequest("model", "model: missing, and this gateway has no default model "
                    + "(expected: a model name, or default_model / DEFAULT_AI_MODEL in the configuration)");
        }
        String model = asked == null ? defaultModel : asked;
        Principal principal = ctx.principal().orElseThrow();
        if (!principal.mayUse(model)) {
            throw GatewayException.forbidden("model_not_allowed", "this key may not use model '" + model + "'");
        }
        List<Deployment> route = catalog.resolve(model);
        if (route.isEmpty()) {
            throw GatewayException.notFound("model_not_found", "model",
                    "model '" + model + "' is not served by any configured provider (GET /v1/models lists them)");
        }
        String reason = asked == null ? "autopilot: default model " + model : "explicit: " + route.getFirst().providerName() + " serves " + model;
        ctx.route(model, route, reason);
        return chain.proceed(ctx);
    }
}
