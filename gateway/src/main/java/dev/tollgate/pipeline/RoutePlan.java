package dev.tollgate.pipeline;

import dev.tollgate.provider.Deployment;
import java.util.List;

/**
 * Where a call may go, in the order to try it: what a {@code RoutingStrategy} decided (explicit, alias,
 * autopilot), transformed by later stages (budgets move a deployment behind its fallback). A value: a
 * stage that changes the plan makes a new one. The attempt stages walk it step by step.
 *
 * @param model the model the route resolved, as the client named it (or the default model for autopilot)
 * @param steps at least one
 */
public record RoutePlan(String model, List<RouteStep> steps) {

    public RoutePlan {
        steps = List.copyOf(steps);
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("a route plan needs at least one step (routing answers 404 when nothing serves a model)");
        }
    }

    /** A plan of {@code deployments} in order, each for {@code reason}. */
    public static RoutePlan of(String model, List<Deployment> deployments, String reason) {
        return new RoutePlan(model, deployments.stream().map(d -> RouteStep.of(d, reason)).toList());
    }

    /** Why the call goes where it goes first: its first step's reason. */
    public String reason() {
        return steps.getFirst().reason();
    }

    public List<Deployment> deployments() {
        return steps.stream().map(RouteStep::target).toList();
    }
}
