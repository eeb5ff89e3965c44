package dev.tollgate.policy.resilience;

import dev.tollgate.config.ResilienceConfig;
import dev.tollgate.pipeline.CircuitState;
import dev.tollgate.pipeline.PipelineListener;
import dev.tollgate.provider.Deployment;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * One resilience4j circuit breaker per deployment (provider and upstream model), made on first use from the provider's
 * {@code circuit_breaker:} settings: a count-based window of the latest calls, opening at the failure-rate threshold,
 * open for the cooldown, then half-open for a few probes. Open → half-open happens on the first call after the cooldown
 * (no timer thread), so a deployment nobody asks for stays open, and its probes are real calls. Every transition is told
 * to the {@link PipelineListener} ({@code circuitChanged}: metrics, the catalog's availability).
 *
 * <p>Thread-safe: resilience4j's breakers are, and the map makes each deployment's breaker once. At most
 * {@value #MAX_BREAKERS} deployments get one (model names come from clients; past that, calls go through unguarded).
 */
public final class CircuitBreakers {

    static final int MAX_BREAKERS = 4_096;

    /** A deployment's breaker and when it last opened. */
    record Guard(CircuitBreaker breaker, Deployment deployment, Duration cooldown, java.util.concurrent.atomic.AtomicReference<Instant> openedAt) {

        /** How long the deployment stays open from now (zero when not open). */
        Duration remaining(Clock clock) {
            Instant at = openedAt.get();
            if (breaker.getState() != CircuitBreaker.State.OPEN || at == null) {
                return Duration.ZERO;
            }
            Duration left = cooldown.minus(Duration.between(at, clock.instant()));
            return left.isNegative() ? Duration.ZERO : left;
        }
    }

    /** What {@code provider-status} shows of one deployment. */
    public record Status(String provider, String model, CircuitState state, float failureRatePercent, int bufferedCalls,
                         int failedCalls, Duration openFor) {
    }

    private final ConcurrentMap<String, Guard> guards = new ConcurrentHashMap<>();
    private final PipelineListener listener;
    private final Clock clock;

    public CircuitBreakers(PipelineListener listener, Clock clock) {
        this.listener = listener;
        this.clock = clock;
    }

    /** The deployment's breaker, or {@code null} when its provider turned breakers off (or too many deployments have one). */
    Guard guard(Deployment d) {
        ResilienceConfig.CircuitBreaker settings = d.provider().resilience().circuitBreaker();
        if (!settings.enabled()) {
            return null;
        }
        String key = key(d);
        Guard g = guards.get(key);
        if (g != null || guards.size() >= MAX_BREAKERS) {
            return g;
        }
        return guards.computeIfAbsent(key, k -> create(d, settings));
    }

    private Guard create(Deployment d, ResilienceConfig.CircuitBreaker s) {
        CircuitBreakerConfig config = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(s.window())
                .minimumNumberOfCalls(s.minimumCalls())
                .failureRateThreshold(s.failureRateThreshold())
                .waitDurationInOpenState(s.cooldown())
                .permittedNumberOfCallsInHalfOpenState(s.halfOpenCalls())
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .writableStackTraceEnabled(false)
                .build();
        CircuitBreaker breaker = CircuitBreaker.of(d.providerName() + "/" + d.upstreamModel(), config);
        Guard guard = new Guard(breaker, d, s.cooldown(), new java.util.concurrent.atomic.AtomicReference<>());
        breaker.getEventPublisher().onStateTransition(e -> {
            CircuitState to = state(e.getStateTransition().getToState());
            if (to == CircuitState.OPEN) {
                guard.openedAt().set(clock.instant());
            }
            listener.circuitChanged(d, to);
        });
        return guard;
    }

    /** Every deployment that has a breaker, by provider then model. */
    public java.util.List<Status> statuses() {
        java.util.Map<String, Status> sorted = new java.util.TreeMap<>();
        for (var e : guards.entrySet()) {
            Guard g = e.getValue();
            CircuitBreaker.Metrics m = g.breaker().getMetrics();
            sorted.put(e.getKey(), new Status(g.deployment().providerName(), g.deployment().upstreamModel(), state(g.breaker().getState()),
                    m.getFailureRate(), m.getNumberOfBufferedCalls(), m.getNumberOfFailedCalls(), g.remaining(clock)));
        }
        return java.util.List.copyOf(sorted.values());
    }

    static CircuitState state(CircuitBreaker.State s) {
        return switch (s) {
            case CLOSED, DISABLED, METRICS_ONLY -> CircuitState.CLOSED;
            case OPEN, FORCED_OPEN -> CircuitState.OPEN;
            case HALF_OPEN -> CircuitState.HALF_OPEN;
        };
    }

    private static String key(Deployment d) {
        return d.providerName() + "\u0000" + d.upstreamModel();
    }
}
