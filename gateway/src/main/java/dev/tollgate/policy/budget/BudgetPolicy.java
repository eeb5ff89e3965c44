package dev.tollgate.policy.budget;

import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.pipeline.RequestContext;
import dev.tollgate.pipeline.RoutePlan;
import dev.tollgate.provider.Deployment;
import java.util.Optional;

/**
 * What budgets say about one call, once routing has planned it: a transformed plan (a deployment past a
 * {@code prefer_fallback} threshold moves behind the rule's fallback target, which gets its own request),
 * and the {@link Reservation} that each attempt reserves against and the call settles.
 */
public interface BudgetPolicy {

    /** Empty when no budget rule can apply to the call: it then runs exactly as planned. */
    Optional<Decision> decide(RequestContext ctx, RoutePlan plan);

    /**
     * @param plan        the plan to try; its first step's reason says why when budgets changed the order
     * @param reservation what the attempts reserve and the call settles
     */
    record Decision(RoutePlan plan, Reservation reservation) {
    }

    /** Why budgets skip one attempt: for the routing reason ({@code budget: …}), and the refusal when every step is skipped. */
    record Refusal(String why, GatewayException error) {
    }

    /**
     * The budget side of one call, used on its thread: reserved before each attempt, released after one that
     * did not answer, settled once when the call ends (as a {@link RequestContext.Settlement}).
     */
    interface Reservation extends RequestContext.Settlement {

        /** Reserves the worst case of an attempt on {@code target}; empty when it fits (or no budget applies to it). */
        Optional<Refusal> reserve(Deployment target);

        /** The attempt on {@code target} did not answer: gives back what {@link #reserve} took. */
        void release(Deployment target);
    }
}
