package dev.tollgate.policy.routing;

import dev.tollgate.model.Principal;
import dev.tollgate.pipeline.Chain;
import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.pipeline.RequestContext;
import dev.tollgate.pipeline.Stage;
import dev.tollgate.provider.Deployment;
import dev.tollgate.provider.ProviderResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Picks the deployments for the call. A concrete model is routed explicitly to the providers that serve
 * it, in configuration order (later ones are fallbacks). {@code auto}, {@code tollgate} or no model
 * means autopilot, which for now sends the call to the default model. An alias is expanded first: its
 * targets are tried in order, each with the providers that serve it, and the routing reason names the
 * alias ({@code alias fast -> gpt-4o-mini: openai serves gpt-4o-mini}). A key restricted to some models
 * may use an alias it is allowed, or the alias's targets it is allowed.
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
        List<String> targets = catalog.targets(model).stream().filter(t -> principal.mayUse(model) || principal.mayUse(t)).toList();
        if (targets.isEmpty()) {
            throw GatewayException.forbidden("model_not_allowed", "this key may not use model '" + model + "'");
        }
        List<Deployment> route = new ArrayList<>();
        String served = null;
        for (String target : targets) {
            List<Deployment> deployments = catalog.resolve(target);
            served = served == null && !deployments.isEmpty() ? target : served;
            route.addAll(deployments);
        }
        if (route.isEmpty()) {
            throw GatewayException.notFound("model_not_found", "model",
                    "model '" + model + "' is not served by any configured provider (GET /v1/models lists them)");
        }
        String how = route.getFirst().providerName() + " serves " + served;
        if (catalog.isAlias(model)) {
            how = "alias " + model + " -> " + String.join(", ", targets) + ": " + how;
        }
        String reason = asked == null ? "autopilot: default model " + model + (catalog.isAlias(model) ? " (" + how + ")" : "")
                : "explicit: " + how;
        ctx.route(model, route, reason);
        return chain.proceed(ctx);
    }
}
