package dev.tollgate.pipeline;

import dev.tollgate.model.CanonicalRequest;
import dev.tollgate.provider.Deployment;

/**
 * One upstream attempt of a call: a step of its plan, the request that step is sent, and its place
 * among the attempts (1 for the first step tried).
 */
public record Attempt(RequestContext ctx, RouteStep step, CanonicalRequest request, int number) {

    public Deployment target() {
        return step.target();
    }
}
