package dev.tollgate.pipeline;

import dev.tollgate.provider.Deployment;

/**
 * Asked by {@link ProviderCallStage} before each attempt whether a deployment may take the call now
 * (deployment rate limits). A refused deployment is skipped like one that failed, so the route's next
 * deployment is preferred; when every deployment refuses, the call fails with the most helpful refusal.
 * An admission may count against the deployment's limits; whatever it reserved is settled through
 * {@link RequestContext#onSettle} when the call ends.
 */
@FunctionalInterface
public interface AttemptGate {

    AttemptGate OPEN = (ctx, target) -> null;

    /** {@code null} to admit the attempt, else why {@code target} cannot take the call now. */
    GatewayException admit(RequestContext ctx, Deployment target);
}
