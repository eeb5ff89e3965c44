package dev.tollgate.policy.routing;

import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.pipeline.RequestContext;
import dev.tollgate.pipeline.RoutePlan;

/**
 * Decides where one call goes: a {@link RoutePlan} of deployments to try in order, each with its reason.
 * The {@link RoutingStage} picks the strategy per request from the model name: a concrete model
 * ({@link ExplicitRouting}), an alias ({@link AliasRouting}), or {@code auto} / {@code tollgate} / none
 * (autopilot: {@link AutopilotRouting}). Strategies run after
 * authentication and parsing, so the principal and the request are in the context.
 */
@FunctionalInterface
public interface RoutingStrategy {

    /**
     * The plan for a call asking for {@code model} ({@code auto} when it named none).
     *
     * @throws GatewayException 400 when there is nothing to route to, 403 when the key may not use the model,
     *                          404 when no configured provider serves it
     */
    RoutePlan plan(RequestContext ctx, String model);
}
