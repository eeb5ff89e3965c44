package dev.tollgate.pipeline;

import dev.tollgate.model.CanonicalRequest;
import dev.tollgate.model.Principal;
import dev.tollgate.provider.Deployment;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Everything one call carries through the pipeline. Created per request by {@link Pipeline}, filled
 * in by the stages in order (principal by auth, request by limits, route by routing), read by the
 * listeners when the call ends. Confined to the request's thread; never shared, never static.
 */
public final class RequestContext {

    private final String requestId;
    private final Endpoint endpoint;
    private final Instant startedAt;
    private final long startNanos;
    private final Inbound inbound;
    private Principal principal;
    private String agent;
    private String feature;
    private CanonicalRequest request;
    private RoutePlan plan;
    private String routingReason;
    private Deployment deployment;
    private Deployment previousDeployment;
    private int attempts;
    private long firstTokenNanos = -1;
    private int promptTokensEstimate = -1;
    private List<Settlement> settlements;
    private java.util.Map<String, String> responseHeaders;
    private java.util.Map<ContextKey<?>, Object> attributes;
    private List<DeliveredHook> deliveredHooks;
    private String cacheTier = "miss";
    private double savedUsd;
    private String cachedProvider;
    private String cachedModel;
    private Ending ending;
    private Deployment routingFree;

    RequestContext(String requestId, Endpoint endpoint, Instant startedAt, long startNanos, Inbound inbound) {
        this.requestId = requestId;
        this.endpoint = endpoint;
        this.startedAt = startedAt;
        this.startNanos = startNanos;
        this.inbound = inbound;
    }

    public String requestId() {
        return requestId;
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    public Instant startedAt() {
        return startedAt;
    }

    public long startNanos() {
        return startNanos;
    }

    public Inbound inbound() {
        return inbound;
    }

    public Optional<Principal> principal() {
        return Optional.ofNullable(principal);
    }

    /** The caller's org, or null before authentication. */
    public String orgId() {
        return principal == null ? null : principal.orgId();
    }

    public void principal(Principal value) {
        this.principal = value;
    }

    public Optional<String> agent() {
        return Optional.ofNullable(agent);
    }

    public Optional<String> feature() {
        return Optional.ofNullable(feature);
    }

    public void tags(String agentTag, String featureTag) {
        this.agent = agentTag;
        this.feature = featureTag;
    }

    /** The parsed request; set by the request-limits stage, absent before it or when parsing failed. */
    public Optional<CanonicalRequest> request() {
        return Optional.ofNullable(request);
    }

    public void request(CanonicalRequest value) {
        this.request = value;
    }

    /** The model the route resolved to, as the client named it (or the default). */
    public Optional<String> requestedModel() {
        return plan().map(RoutePlan::model);
    }

    /** Where the call may go, in order; set by routing, transformed by later stages (budgets). */
    public Optional<RoutePlan> plan() {
        return Optional.ofNullable(plan);
    }

    /** Sets (or replaces) the plan; the routing reason becomes the plan's. */
    public void plan(RoutePlan value) {
        this.plan = value;
        this.routingReason = value.reason();
    }

    /** A plan of {@code deployments} in order, each for {@code reason} (tests and benchmarks route by hand). */
    public void route(String model, List<Deployment> deployments, String reason) {
        plan(RoutePlan.of(model, deployments, reason));
    }

    /** Deployments to try in order, as planned; empty before routing. */
    public List<Deployment> route() {
        return plan == null ? List.of() : plan.deployments();
    }

    /** Why the call went where it went: the plan's reason, or the story of every attempt once several were made. */
    public Optional<String> routingReason() {
        return Optional.ofNullable(routingReason);
    }

    void routingReason(String reason) {
        this.routingReason = reason;
    }

    /**
     * Where the call would have gone without routing choosing for it (the strongest candidate that fitted): the
     * settled event prices its usage there as the routing-free cost. Set by the autopilot; absent otherwise.
     */
    public void routingFree(Deployment strongest) {
        this.routingFree = strongest;
    }

    public Optional<Deployment> routingFree() {
        return Optional.ofNullable(routingFree);
    }

    /** The deployment of the latest attempt. */
    public Optional<Deployment> deployment() {
        return Optional.ofNullable(deployment);
    }

    void attempt(Deployment target) {
        this.previousDeployment = deployment;
        this.deployment = target;
        this.attempts++;
    }

    /** The deployment of the attempt before the latest one; {@code null} during the first (a retry repeats it). */
    public Deployment previousAttempt() {
        return previousDeployment;
    }

    /** The first step's target of the plan: any other deployment attempted is a fallback. {@code null} before routing. */
    public Deployment plannedFirst() {
        return plan == null || plan.steps().isEmpty() ? null : plan.steps().getFirst().target();
    }

    /** Keeps {@code value} for this call under {@code key}, for a later stage of the policy that owns the key. */
    public <T> void put(ContextKey<T> key, T value) {
        if (attributes == null) {
            attributes = new java.util.HashMap<>(2);
        }
        attributes.put(key, value);
    }

    /** What a stage kept under {@code key} for this call. */
    @SuppressWarnings("unchecked")
    public <T> Optional<T> get(ContextKey<T> key) {
        return attributes == null ? Optional.empty() : Optional.ofNullable((T) attributes.get(key));
    }

    /** Whether the call is settled: it ended, and {@link #ending()} says how. */
    public boolean settled() {
        return ending != null;
    }

    /** How the call ended, once it is settled. */
    public java.util.Optional<Ending> ending() {
        return java.util.Optional.ofNullable(ending);
    }

    void markSettled(Ending how) {
        if (ending != null) {
            throw new IllegalStateException("a call is settled exactly once (request " + requestId + " ended " + ending
                    + ", then again " + how + ")");
        }
        ending = how;
    }

    public int attempts() {
        return attempts;
    }

    void markFirstToken(long nanos) {
        if (firstTokenNanos < 0) {
            firstTokenNanos = nanos;
        }
    }

    /** Nanoseconds from the start of the call to its first token, or -1. */
    public long firstTokenNanos() {
        return firstTokenNanos < 0 ? -1 : firstTokenNanos - startNanos;
    }

    /** The prompt's estimated tokens, once a policy that needs it has counted them; -1 before. */
    public int promptTokensEstimate() {
        return promptTokensEstimate;
    }

    public void promptTokensEstimate(int tokens) {
        this.promptTokensEstimate = tokens;
    }

    /**
     * What a policy reserved for this call and must settle when it ends (rate limits, budgets): run once when
     * the pipeline settles the call, whichever way it ended, with the usage event the call was billed by.
     */
    @FunctionalInterface
    public interface Settlement {
        void settle(RequestContext ctx, dev.tollgate.model.UsageEvent billed);
    }

    public void onSettle(Settlement settlement) {
        if (settlements == null) {
            settlements = new java.util.ArrayList<>(2);
        }
        settlements.add(settlement);
    }

    /** Runs the settlements once; later calls find none. */
    void runSettlements(dev.tollgate.model.UsageEvent billed) {
        List<Settlement> pending = settlements;
        settlements = null;
        if (pending != null) {
            for (Settlement s : pending) {
                try {
                    s.settle(this, billed);
                } catch (RuntimeException e) {
                    org.slf4j.LoggerFactory.getLogger(RequestContext.class).error("settling request {} failed", requestId, e);
                }
            }
        }
    }

    /** Headers a policy adds to the response, success or error ({@code x-ratelimit-*}); set replaces. */
    public void responseHeader(String name, String value) {
        if (responseHeaders == null) {
            responseHeaders = new java.util.LinkedHashMap<>();
        }
        responseHeaders.put(name, value);
    }

    public java.util.Map<String, String> responseHeaders() {
        return responseHeaders == null ? java.util.Map.of() : responseHeaders;
    }

    /** Asks for the answer of this call if it ends {@link Ending#DELIVERED} (a cache stage fills from it). */
    public void onDelivered(DeliveredHook hook) {
        if (deliveredHooks == null) {
            deliveredHooks = new java.util.ArrayList<>(1);
        }
        deliveredHooks.add(hook);
    }

    /** Whether a hook wants the delivered answer, so the relay keeps the chunks it writes. */
    boolean keepsDeliveredAnswers() {
        return deliveredHooks != null;
    }

    void runDeliveredHooks(DeliveredAnswer answer, dev.tollgate.model.UsageEvent billed) {
        for (DeliveredHook hook : deliveredHooks) {
            try {
                hook.delivered(this, answer, billed);
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(RequestContext.class).error("a delivered-answer hook of request {} failed", requestId, e);
            }
        }
    }

    /**
     * A stage answered the call from a cache: {@code tier} ({@code exact}, {@code semantic}, {@code workflow})
     * goes to the {@code x-tollgate-cache} header and the usage event, with what the call would have cost. The
     * call is billed nothing (no upstream tokens, cost 0).
     */
    public void servedFromCache(String tier, double costAvoidedUsd) {
        servedFromCache(tier, costAvoidedUsd, null, null);
    }

    /**
     * As {@link #servedFromCache(String, double)}, naming the provider and upstream model whose stored answer is
     * replayed: the {@code x-tollgate-provider} / {@code x-tollgate-model} headers and the event carry them.
     */
    public void servedFromCache(String tier, double costAvoidedUsd, String provider, String model) {
        if ("miss".equals(tier)) {
            throw new IllegalArgumentException("tier: miss (expected: the tier that answered)");
        }
        this.cacheTier = tier;
        this.savedUsd = costAvoidedUsd;
        this.cachedProvider = provider;
        this.cachedModel = model;
    }

    /** Whether a stage answered the call from a cache. */
    public boolean fromCache() {
        return !"miss".equals(cacheTier);
    }

    /** The provider whose stored answer a cache hit replays. */
    public Optional<String> cachedProvider() {
        return Optional.ofNullable(cachedProvider);
    }

    /** The upstream model whose stored answer a cache hit replays. */
    public Optional<String> cachedModel() {
        return Optional.ofNullable(cachedModel);
    }

    /** {@code miss} unless a stage answered from a cache. */
    public String cacheTier() {
        return cacheTier;
    }

    /** What the call would have cost without the cache (0 on a miss). */
    public double savedUsd() {
        return savedUsd;
    }
}
