package dev.tollgate.policy.routing;

import dev.tollgate.model.UsageEvent;
import dev.tollgate.pipeline.CircuitState;
import dev.tollgate.pipeline.PipelineListener;
import dev.tollgate.provider.Deployment;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How each deployment behaves lately, for the catalog: latency of answered calls (time to first token and total,
 * {@link LatencyStats}) from {@link #completed}, and circuit state from {@link #circuitChanged} ({@code CLOSED}
 * until a breaker reports otherwise). Keyed by provider and upstream model; at most {@value #MAX_DEPLOYMENTS}
 * deployments are tracked, so names a client invents cannot grow it without bound.
 */
public final class DeploymentObserver implements PipelineListener {

    static final int MAX_DEPLOYMENTS = 1_024;

    private final Map<String, LatencyStats> latency = new ConcurrentHashMap<>();
    private final Map<String, CircuitState> circuits = new ConcurrentHashMap<>();

    @Override
    public void completed(UsageEvent event) {
        boolean answered = event.status() >= 200 && event.status() < 300 && event.errorCode() == null;
        if (!answered || event.provider() == null || event.provider().isEmpty() || !"miss".equals(event.cacheTier())
                || !"proxy".equals(event.source())) {
            return;
        }
        String key = key(event.provider(), event.model());
        LatencyStats stats = latency.get(key);
        if (stats == null) {
            if (latency.size() >= MAX_DEPLOYMENTS) {
                return;
            }
            stats = latency.computeIfAbsent(key, k -> new LatencyStats());
        }
        stats.record(event.firstTokenMs(), event.latencyMs());
    }

    @Override
    public void circuitChanged(Deployment deployment, CircuitState state) {
        circuits.put(key(deployment.providerName(), deployment.upstreamModel()), state);
    }

    public LatencyStats.Summary latency(Deployment d) {
        LatencyStats stats = latency.get(key(d.providerName(), d.upstreamModel()));
        return stats == null ? LatencyStats.Summary.NONE : stats.summary();
    }

    public CircuitState circuit(Deployment d) {
        return circuits.getOrDefault(key(d.providerName(), d.upstreamModel()), CircuitState.CLOSED);
    }

    private static String key(String provider, String model) {
        return provider + "\u0000" + model;
    }
}
