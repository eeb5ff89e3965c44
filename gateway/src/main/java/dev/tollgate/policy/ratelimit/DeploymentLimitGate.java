package dev.tollgate.policy.ratelimit;

import dev.tollgate.pipeline.AttemptGate;
import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.pipeline.RequestContext;
import dev.tollgate.provider.Deployment;

/**
 * Deployment limits ({@code providers[].limits}) as the provider call stage's gate: each attempt claims
 * its deployment's windows; a deployment that is full, or too small for the request, is skipped so the
 * route's next deployment serves; when none can, the call gets the refusal that resets soonest.
 */
public final class DeploymentLimitGate implements AttemptGate {

    private final RateLimitPolicy policy;

    public DeploymentLimitGate(RateLimitPolicy policy) {
        this.policy = policy;
    }

    @Override
    public GatewayException admit(RequestContext ctx, Deployment target) {
        if (!target.provider().limits().any()) {
            return null;
        }
        return policy.admitDeployment(ctx, target);
    }
}
