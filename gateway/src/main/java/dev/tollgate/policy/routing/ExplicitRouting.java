package dev.tollgate.policy.routing;

import dev.tollgate.model.Principal;
import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.pipeline.RequestContext;
import dev.tollgate.pipeline.RoutePlan;
import dev.tollgate.pipeline.RouteStep;
import dev.tollgate.provider.Deployment;
import dev.tollgate.config.AutopilotConfig;
import dev.tollgate.model.ChatRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * A concrete model goes to the providers that serve it, in configuration order (later ones are the
 * fallbacks): {@code explicit: openai serves gpt-4o-mini}. When the org's autopilot candidates are configured
 * ({@code autopilot.models}), those with a larger known context window follow, for a prompt the model refuses as too
 * long only ({@link ContextWindowStage} skips them otherwise): {@code context fallover: openai serves gpt-4.1 (window 1047576)}.
 */
public final class ExplicitRouting implements RoutingStrategy {

    private final ModelCatalog catalog;

    public ExplicitRouting(ModelCatalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public RoutePlan plan(RequestContext ctx, String model) {
        return withLargerWindows(ctx, plan(ctx, model, how -> "explicit: " + how));
    }

    /** The plan, then the configured candidates with a larger context window, smallest first, kept for a prompt too long. */
    private RoutePlan withLargerWindows(RequestContext ctx, RoutePlan own) {
        Principal principal = ctx.principal().orElseThrow(() -> new IllegalStateException("auth must run before routing"));
        AutopilotConfig.Settings settings = catalog.autopilotConfig().forOrg(principal.orgId());
        if (settings.models().isEmpty() || !(ctx.request().orElse(null) instanceof ChatRequest)) {
            return own;
        }
        int window = catalog.profile(own.model()).contextWindow();
        if (window <= 0) {
            return own;
        }
        List<ModelProfile> larger = new ArrayList<>();
        for (String name : AutopilotRouting.candidates(catalog, settings)) {
            if (!name.equals(own.model()) && principal.mayUse(name)) {
                ModelProfile profile = catalog.profile(name);
                if (profile.contextWindow() > window && !profile.deployments().isEmpty()) {
                    larger.add(profile);
                }
            }
        }
        if (larger.isEmpty()) {
            return own;
        }
        larger.sort(Comparator.comparingInt(ModelProfile::contextWindow));
        List<RouteStep> steps = new ArrayList<>(own.steps());
        Set<Deployment> fallover = new HashSet<>();
        for (ModelProfile m : larger) {
            for (ModelProfile.DeploymentHealth d : m.deployments()) {
                steps.add(RouteStep.of(d.deployment(), "context fallover: " + d.deployment().providerName() + " serves " + m.model()
                        + " (window " + m.contextWindow() + ")"));
                fallover.add(d.deployment());
            }
        }
        ContextWindowStage.onlyWhenTooLong(ctx, fallover);
        return new RoutePlan(own.model(), steps);
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
