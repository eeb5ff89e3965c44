package dev.tollgate.policy.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.config.ProviderConfig;
import dev.tollgate.config.ProviderKind;
import dev.tollgate.config.ResilienceConfig;
import dev.tollgate.config.RoutingConfig;
import dev.tollgate.config.SimulatedConfig;
import dev.tollgate.config.TimeoutConfig;
import dev.tollgate.model.ChatRequest;
import dev.tollgate.model.Usage;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.pipeline.RoutePlan;
import dev.tollgate.pipeline.RouteStep;
import dev.tollgate.provider.Deployment;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Load balancing reorders only runs of one model's deployments, and keeps models' order and steps with their own request. */
class LoadBalancingTest {

    private static Deployment deployment(String provider, String model, int weight) {
        ProviderConfig p = new ProviderConfig(provider, ProviderKind.OPENAI, URI.create("http://127.0.0.1:1/v1"), Optional.empty(),
                List.of("*"), "", Map.of(), TimeoutConfig.DEFAULTS, SimulatedConfig.DEFAULTS, null, ResilienceConfig.DEFAULTS, weight, false);
        return new Deployment(p, model, null);
    }

    private static final Deployment A = deployment("a", "m", 1);
    private static final Deployment B = deployment("b", "m", 1);
    private static final Deployment C = deployment("c", "m", 1);
    private static final Deployment BIG = deployment("a", "big", 1);

    private static RoutePlan plan(Deployment... ds) {
        return RoutePlan.of("m", List.of(ds), "explicit");
    }

    private static List<String> order(RoutePlan plan) {
        return plan.steps().stream().map(s -> s.target().providerName() + "/" + s.target().upstreamModel()).toList();
    }

    private static UsageEvent answered(String provider, String model, long latencyMs) {
        return new UsageEvent("e", Instant.EPOCH, "r", "acme", "k", null, null, "chat", "proxy", provider, model,
                new Usage(10, 10, 0, 0, false), 0, true, 0, latencyMs, -1, 200, null, false, 1, "miss", "x");
    }

    @Test
    void lowestLatency_putsTheFastestFirst_unobservedBeforeAll_andLeavesTheNextModelAfter() {
        DeploymentObserver observer = new DeploymentObserver();
        observer.completed(answered("a", "m", 900));
        observer.completed(answered("b", "m", 100));
        LoadBalancing lb = new LoadBalancing(RoutingConfig.Strategy.LOWEST_LATENCY, new DeploymentLoad(), observer, () -> 0.5);

        RoutePlan balanced = lb.balance(plan(A, B, C, BIG));

        assertThat(order(balanced)).containsExactly("c/m", "b/m", "a/m", "a/big");
        assertThat(balanced.reason()).isEqualTo("explicit (lowest-latency)");
        assertThat(balanced.steps().get(1).reason()).isEqualTo("explicit");
    }

    @Test
    void ordered_keepsThePlan() {
        LoadBalancing lb = new LoadBalancing(RoutingConfig.Strategy.ORDERED, new DeploymentLoad(), new DeploymentObserver(), () -> 0.99);
        RoutePlan p = plan(A, B, C);

        assertThat(lb.balance(p)).isSameAs(p);
    }

    @Test
    void stepsWithTheirOwnRequest_stayWhereTheyAre() {
        ChatRequest own = new ChatRequest(Optional.of("m"), false, false, Optional.of(10), List.of(), List.of(),
                tools.jackson.databind.json.JsonMapper.builder().build().createObjectNode());
        RoutePlan p = new RoutePlan("m", List.of(RouteStep.of(A, "budget"), new RouteStep(B, "budget fallback", Optional.of(own))));
        LoadBalancing lb = new LoadBalancing(RoutingConfig.Strategy.WEIGHTED, new DeploymentLoad(), new DeploymentObserver(), () -> 0.99);

        assertThat(order(lb.balance(p))).containsExactly("a/m", "b/m");
    }

    @Test
    void weighted_drawsInProportion_seeded() {
        Deployment heavy = deployment("heavy", "m", 9);
        Deployment light = deployment("light", "m", 1);
        Random random = new Random(42);
        LoadBalancing lb = new LoadBalancing(RoutingConfig.Strategy.WEIGHTED, new DeploymentLoad(), new DeploymentObserver(), random::nextDouble);
        int heavyFirst = 0;
        for (int i = 0; i < 1_000; i++) {
            RoutePlan balanced = lb.balance(plan(light, heavy));
            assertThat(balanced.steps()).hasSize(2);
            heavyFirst += balanced.steps().getFirst().target() == heavy ? 1 : 0;
        }
        // Expected 900, standard deviation about 9.5.
        assertThat(heavyFirst).isBetween(852, 948);
    }
}
