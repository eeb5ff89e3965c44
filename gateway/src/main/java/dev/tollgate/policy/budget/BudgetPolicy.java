package dev.tollgate.policy.budget;

import dev.tollgate.pipeline.AttemptGuard;
import dev.tollgate.pipeline.RequestContext;
import dev.tollgate.provider.Deployment;
import java.util.List;
import java.util.Optional;

/**
 * What budgets say about one call, once routing has chosen its deployments: the order to try them in
 * (deployments past a {@code prefer_fallback} threshold move behind their fallback target), why, and the
 * {@link AttemptGuard} that reserves each attempt's worst case and settles the call.
 */
public interface BudgetPolicy {

    /** Empty when no budget rule can apply to the call: it then runs exactly as routed. */
    Optional<Decision> decide(RequestContext ctx);

    /**
     * @param route      the deployments to try, in order (a fallback target may be one routing did not choose)
     * @param reason     the routing reason when budgets changed the route, else empty
     * @param guard      reserves before each attempt, releases after a failed one
     * @param settlement settles what the guard holds when the call ends
     */
    record Decision(List<Deployment> route, Optional<String> reason, AttemptGuard guard, RequestContext.Settlement settlement) {

        public Decision {
            route = List.copyOf(route);
        }
    }
}
