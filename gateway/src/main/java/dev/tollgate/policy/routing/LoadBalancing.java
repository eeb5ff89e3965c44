package dev.tollgate.policy.routing;

import dev.tollgate.config.RoutingConfig;
import dev.tollgate.pipeline.RoutePlan;
import dev.tollgate.pipeline.RouteStep;
import dev.tollgate.provider.Deployment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.DoubleSupplier;

/**
 * {@code routing.strategy}: reorders, inside a plan, each run of consecutive steps that send the same model to different
 * deployments (the providers that serve one model), and leaves everything else where it is: the order of the models
 * (an alias's targets, the autopilot's candidates) and the steps that carry their own request. The steps it moves keep
 * their reasons; the first step's reason says how it was chosen. {@code ordered} keeps configuration order.
 *
 * <p>Runs in the routing stage, before budgets transform the plan, so a deployment past its {@code prefer_fallback}
 * threshold still moves behind its fallback target whatever the balancing chose.
 */
public final class LoadBalancing {

    private final RoutingConfig.Strategy strategy;
    private final DeploymentLoad load;
    private final DeploymentObserver observer;
    private final DoubleSupplier random;

    /** @param random uniform in [0, 1); tests pass a seeded one */
    public LoadBalancing(RoutingConfig.Strategy strategy, DeploymentLoad load, DeploymentObserver observer, DoubleSupplier random) {
        this.strategy = strategy;
        this.load = load;
        this.observer = observer;
        this.random = random;
    }

    public RoutePlan balance(RoutePlan plan) {
        if (strategy == RoutingConfig.Strategy.ORDERED || plan.steps().size() < 2) {
            return plan;
        }
        List<RouteStep> steps = plan.steps();
        List<RouteStep> out = new ArrayList<>(steps.size());
        int i = 0;
        while (i < steps.size()) {
            int end = i + 1;
            while (end < steps.size() && sameModel(steps.get(i), steps.get(end))) {
                end++;
            }
            List<RouteStep> run = steps.subList(i, end);
            out.addAll(run.size() < 2 ? run : reorder(run, i == 0));
            i = end;
        }
        return new RoutePlan(plan.model(), out);
    }

    private static boolean sameModel(RouteStep a, RouteStep b) {
        return a.request().isEmpty() && b.request().isEmpty() && a.target().upstreamModel().equals(b.target().upstreamModel())
                && !a.target().providerName().equals(b.target().providerName());
    }

    private List<RouteStep> reorder(List<RouteStep> run, boolean first) {
        List<RouteStep> sorted = switch (strategy) {
            case ORDERED -> run;
            case WEIGHTED -> weighted(run);
            case LEAST_BUSY -> sortedBy(run, Comparator.comparingInt((RouteStep s) -> load.inFlight(s.target())));
            case LOWEST_LATENCY -> sortedBy(run, Comparator.comparingLong((RouteStep s) -> latency(s.target())));
        };
        if (!first || sorted.getFirst() == run.getFirst()) {
            return sorted;
        }
        List<RouteStep> out = new ArrayList<>(sorted);
        out.set(0, sorted.getFirst().withReason(sorted.getFirst().reason() + " (" + strategy.configName() + ")"));
        return out;
    }

    private static List<RouteStep> sortedBy(List<RouteStep> run, Comparator<RouteStep> order) {
        List<RouteStep> out = new ArrayList<>(run);
        out.sort(order); // stable: ties keep configuration order
        return out;
    }

    /** The observed median total latency; unobserved deployments first (-1), so they get observed. */
    private long latency(Deployment d) {
        LatencyStats.Summary s = observer.latency(d);
        return s.known() ? s.totalP50() : -1;
    }

    /** A weighted draw without replacement: each next step with probability weight / the weights left; weight 0 goes last. */
    private List<RouteStep> weighted(List<RouteStep> run) {
        List<RouteStep> left = new ArrayList<>(run);
        List<RouteStep> out = new ArrayList<>(run.size());
        while (!left.isEmpty()) {
            long total = 0;
            for (RouteStep s : left) {
                total += s.target().provider().weight();
            }
            if (total == 0) {
                out.addAll(left);
                break;
            }
            double pick = random.getAsDouble() * total;
            int chosen = -1;
            for (int k = 0; k < left.size(); k++) {
                int weight = left.get(k).target().provider().weight();
                if (weight > 0) {
                    chosen = k; // the last positive weight, should rounding leave pick at or above 0
                    pick -= weight;
                    if (pick < 0) {
                        break;
                    }
                }
            }
            out.add(left.remove(chosen));
        }
        return out;
    }
}
