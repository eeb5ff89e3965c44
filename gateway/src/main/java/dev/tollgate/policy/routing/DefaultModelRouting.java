package dev.tollgate.policy.routing;

import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.pipeline.RequestContext;
import dev.tollgate.pipeline.RoutePlan;

/**
 * Autopilot with nothing to choose: {@code auto}, {@code tollgate} or no model means the configured default
 * model (itself a model or an alias): {@code autopilot: default model gpt-4o-mini}. {@link AutopilotRouting}
 * uses it when it has a single candidate.
 */
public final class DefaultModelRouting implements RoutingStrategy {

    private final ModelCatalog catalog;
    private final String defaultModel;
    private final ExplicitRouting explicit;
    private final AliasRouting aliases;

    public DefaultModelRouting(ModelCatalog catalog, String defaultModel) {
        this.catalog = catalog;
        this.defaultModel = defaultModel;
        this.explicit = new ExplicitRouting(catalog);
        this.aliases = new AliasRouting(catalog);
    }

    @Override
    public RoutePlan plan(RequestContext ctx, String asked) {
        if (defaultModel.isEmpty()) {
            throw GatewayException.badRequest("model", "model: missing, and this gateway has no default model "
                    + "(expected: a model name, or default_model / DEFAULT_AI_MODEL in the configuration)");
        }
        String why = "autopilot: default model " + defaultModel;
        return catalog.isAlias(defaultModel)
                ? aliases.plan(ctx, defaultModel, how -> why + " (" + how + ")")
                : explicit.plan(ctx, defaultModel, how -> why);
    }
}
