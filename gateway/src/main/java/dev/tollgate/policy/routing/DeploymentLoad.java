package dev.tollgate.policy.routing;

import dev.tollgate.pipeline.Attempt;
import dev.tollgate.pipeline.AttemptChain;
import dev.tollgate.pipeline.AttemptDecision;
import dev.tollgate.pipeline.AttemptStage;
import dev.tollgate.provider.Deployment;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Calls in flight per deployment (provider and upstream model), for {@code routing.strategy: least-busy}. As an attempt
 * stage it counts an attempt from the moment it goes out until it is over: at once when it did not answer, else when
 * the call settles (a stream counts until its last byte, or until it broke or the client left). Thread-safe; at most
 * {@value #MAX_DEPLOYMENTS} deployments are counted.
 */
public final class DeploymentLoad implements AttemptStage {

    static final int MAX_DEPLOYMENTS = 4_096;

    private final ConcurrentMap<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();

    @Override
    public AttemptDecision attempt(Attempt attempt, AttemptChain chain) {
        AtomicInteger count = counter(attempt.target());
        if (count == null) {
            return chain.proceed(attempt);
        }
        count.incrementAndGet();
        AttemptDecision decision;
        try {
            decision = chain.proceed(attempt);
        } catch (RuntimeException e) {
            count.decrementAndGet();
            throw e;
        }
        if (decision instanceof AttemptDecision.Answered) {
            attempt.ctx().onSettle((ctx, billed) -> count.decrementAndGet());
        } else {
            count.decrementAndGet();
        }
        return decision;
    }

    /** Calls to {@code d} in flight now. */
    public int inFlight(Deployment d) {
        AtomicInteger count = inFlight.get(key(d));
        return count == null ? 0 : count.get();
    }

    private AtomicInteger counter(Deployment d) {
        String key = key(d);
        AtomicInteger count = inFlight.get(key);
        if (count != null || inFlight.size() >= MAX_DEPLOYMENTS) {
            return count;
        }
        return inFlight.computeIfAbsent(key, k -> new AtomicInteger());
    }

    private static String key(Deployment d) {
        return d.providerName() + "\u0000" + d.upstreamModel();
    }
}
