package dev.tollgate.policy.ratelimit;

import dev.tollgate.pipeline.Attempt;
import dev.tollgate.pipeline.AttemptChain;
import dev.tollgate.pipeline.AttemptDecision;
import dev.tollgate.pipeline.AttemptStage;
import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.provider.Deployment;

/**
 * Deployment limits ({@code providers[].limits}) as an attempt stage: each attempt claims its deployment's
 * windows; a deployment that is full, or too small for the request, is skipped so the plan's next step
 * serves; when none can, the call gets the refusal that resets soonest. What an admitted attempt claimed
 * in tokens settles when the call ends (to 0 when another deployment served it).
 */
public final class DeploymentLimitStage implements AttemptStage {

    private final RateLimitPolicy policy;

    public DeploymentLimitStage(RateLimitPolicy policy) {
        this.policy = policy;
    }

    @Override
    public AttemptDecision attempt(Attempt attempt, AttemptChain chain) {
        Deployment target = attempt.target();
        if (!target.provider().limits().any()) {
            return chain.proceed(attempt);
        }
        GatewayException refused = policy.admitDeployment(attempt.ctx(), target);
        if (refused != null) {
            String why = refused.status() == 429 ? target.providerName() + " at its limit"
                    : target.providerName() + " takes at most " + target.provider().limits().maxTokensPerRequest() + " tokens per request";
            return AttemptDecision.skip(attempt, "rate limit: " + why, refused);
        }
        return chain.proceed(attempt);
    }
}
