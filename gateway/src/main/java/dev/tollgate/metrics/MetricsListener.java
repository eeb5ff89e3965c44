package dev.tollgate.metrics;

import dev.tollgate.model.Usage;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.pipeline.CircuitState;
import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.pipeline.PipelineListener;
import dev.tollgate.pipeline.RequestContext;
import dev.tollgate.provider.Deployment;
import dev.tollgate.provider.UpstreamException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.MDC;

/**
 * Turns pipeline events into Prometheus meters (names in {@code docs/observability.md}): requests by
 * route, operation, status, provider, model and cache tier; the OpenTelemetry GenAI duration,
 * time-to-first-token and token-usage histograms; token and cost counters; cache hits; refusals; upstream
 * attempts, errors, retries and fallbacks per deployment; circuit states.
 *
 * <p>Labels are bounded: models only as the catalog knows them ({@link ModelLabels}, else {@code other}),
 * providers only as configured (else {@code other}), routes as the route table declares them, cache tiers
 * and error kinds from closed sets; no key, org or agent. The hot path allocates no map: each
 * combination's meters are looked up once and kept ({@code calls}, {@code models}, {@code deployments}),
 * so a call costs a few map reads and counter adds.
 */
public final class MetricsListener implements PipelineListener {

    /** The route label when no route is in the log context (a call the pipeline ran outside HTTP). */
    static final String NO_ROUTE = "none";
    private static final Set<String> TIERS = Set.of("miss", "exact", "semantic", "workflow");
    private static final String[] STATUS = new String[1000];
    private static final Duration[] DURATION_BUCKETS = seconds(0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24,
            20.48, 40.96, 81.92);
    private static final Duration[] TTFT_BUCKETS = seconds(0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0,
            2.5, 5.0, 7.5, 10.0);
    private static final double[] TOKEN_BUCKETS = {1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304,
        16777216, 67108864};

    static {
        for (int i = 0; i < STATUS.length; i++) {
            STATUS[i] = Integer.toString(i);
        }
    }

    private record CallKey(String route, String operation, String status, String provider, String model, String cache) {
    }

    private record ModelKey(String source, String operation, String provider, String model) {
    }

    private record DeploymentKey(String provider, String model) {
    }

    private record RefusalKey(String route, String status, String code, boolean authenticated) {
    }

    /** One combination of request labels: its count and duration. */
    private record CallMeters(Counter requests, Timer duration) {
    }

    /** What one provider and model used: tokens by type, cost, time to first token. */
    private record ModelMeters(Counter input, Counter output, Counter cached, Counter reasoning, Counter cost,
                               DistributionSummary inputUsage, DistributionSummary outputUsage, Timer ttft) {
    }

    /** Upstream meters of one deployment. */
    private final class DeploymentMeters {
        final Counter attempts;
        final Counter retries;
        final Counter fallbacks;
        final ConcurrentMap<String, Counter> errors = new ConcurrentHashMap<>();
        final AtomicReference<CircuitState> circuit = new AtomicReference<>();
        private final DeploymentKey key;

        DeploymentMeters(DeploymentKey key) {
            this.key = key;
            this.attempts = counter("tollgate.upstream.attempts", "Calls sent to an upstream deployment", key);
            this.retries = counter("tollgate.upstream.retries", "Attempts that repeated the previous attempt's deployment", key);
            this.fallbacks = counter("tollgate.upstream.fallbacks", "Attempts on a deployment other than the plan's first", key);
        }

        private Counter counter(String name, String help, DeploymentKey k) {
            return Counter.builder(name).description(help).tag(PROVIDER, k.provider()).tag(MODEL, k.model()).register(registry);
        }

        Counter error(UpstreamException failure) {
            String kind = failure.kind().name().toLowerCase(java.util.Locale.ROOT);
            String status = status(failure.status());
            return errors.computeIfAbsent(kind + "/" + status, ignored -> Counter.builder("tollgate.upstream.errors")
                    .description("Upstream attempts that failed before the first byte reached the client")
                    .tag(PROVIDER, key.provider()).tag(MODEL, key.model()).tag("kind", kind).tag("status", status).register(registry));
        }

        /** The state gauges, one per state (1 for the current one), registered on the first change. */
        void circuit(CircuitState state) {
            if (circuit.getAndSet(state) == null) {
                for (CircuitState s : CircuitState.values()) {
                    Gauge.builder("tollgate.circuit.state", circuit, c -> c.get() == s ? 1 : 0)
                            .description("1 for the deployment's current circuit-breaker state, 0 for the others")
                            .tag(PROVIDER, key.provider()).tag(MODEL, key.model()).tag("state", s.wireName()).register(registry);
                }
            }
        }
    }

    static final String PROVIDER = "gen_ai.provider.name";
    static final String MODEL = "gen_ai.request.model";
    static final String OPERATION = "gen_ai.operation.name";
    static final String TOKEN_TYPE = "gen_ai.token.type";

    private final MeterRegistry registry;
    private final ModelLabels models;
    private final Set<String> providers;
    private final ConcurrentMap<CallKey, CallMeters> calls = new ConcurrentHashMap<>();
    private final ConcurrentMap<ModelKey, ModelMeters> modelMeters = new ConcurrentHashMap<>();
    private final ConcurrentMap<DeploymentKey, DeploymentMeters> deployments = new ConcurrentHashMap<>();
    private final ConcurrentMap<RefusalKey, Counter> refusals = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Counter[]> cacheHits = new ConcurrentHashMap<>();

    /**
     * @param models    the model names labels may carry
     * @param providers the provider names labels may carry (the configured ones and the provider kinds)
     */
    public MetricsListener(MeterRegistry registry, ModelLabels models, Set<String> providers) {
        this.registry = registry;
        this.models = models;
        this.providers = Set.copyOf(providers);
    }

    @Override
    public void completed(UsageEvent e) {
        String provider = provider(e.provider());
        String model = models.label(e.model());
        boolean proxied = "proxy".equals(e.source());
        String cache = TIERS.contains(e.cacheTier()) ? e.cacheTier() : ModelLabels.OTHER;
        if (proxied) {
            CallMeters call = lookup(calls, new CallKey(route(), e.endpoint(), status(e.status()), provider, model, cache), this::callMeters);
            call.requests().increment();
            call.duration().record(e.latencyMs(), TimeUnit.MILLISECONDS);
            if (!"miss".equals(cache)) {
                Counter[] hit = lookup(cacheHits, cache, this::cacheMeters);
                hit[0].increment();
                hit[1].increment(e.savedUsd());
            }
        }
        if (!proxied || e.provider() != null) {
            usage(e, provider, model, proxied, "miss".equals(cache));
        }
    }

    /** Tokens and cost of every call; the OpenTelemetry per-call histogram only for calls an upstream served. */
    private void usage(UsageEvent e, String provider, String model, boolean proxied, boolean upstreamServed) {
        ModelMeters m = lookup(modelMeters, new ModelKey(proxied ? "proxy" : "sdk", e.endpoint(), provider, model), this::modelMeters);
        Usage u = e.usage();
        m.input().increment(u.inputTokens());
        m.output().increment(u.outputTokens());
        m.cached().increment(u.cachedTokens());
        m.reasoning().increment(u.reasoningTokens());
        m.cost().increment(e.costUsd());
        if (proxied && upstreamServed && e.status() >= 200 && e.status() < 300) {
            m.inputUsage().record(u.inputTokens());
            m.outputUsage().record(u.outputTokens());
        }
        if (e.firstTokenMs() >= 0) {
            m.ttft().record(e.firstTokenMs(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void refused(RequestContext ctx, GatewayException refusal) {
        boolean authenticated = ctx.principal().isPresent();
        String route = route();
        String status = status(refusal.status());
        lookup(refusals, new RefusalKey(route, status, code(refusal.code()), authenticated), k -> Counter.builder("tollgate.refusals")
                .description("Calls Tollgate refused itself before any upstream was tried (bad input, auth, rate limits, budgets)")
                .tag("route", k.route()).tag("status", k.status()).tag("code", k.code())
                .tag("authenticated", Boolean.toString(k.authenticated())).register(registry)).increment();
        if (!authenticated) {
            // Calls refused before authentication have no usage event (completed is not called): count the request here.
            lookup(calls, new CallKey(route, ctx.endpoint().wireName(), status, ModelLabels.NONE, ModelLabels.NONE, "miss"),
                    this::callMeters).requests().increment();
        }
    }

    @Override
    public void upstreamAttempt(RequestContext ctx, Deployment deployment) {
        DeploymentMeters d = deployment(deployment);
        d.attempts.increment();
        Deployment previous = ctx.previousAttempt();
        if (previous != null && previous == deployment) {
            d.retries.increment();
        } else if (deployment != ctx.plannedFirst()) {
            d.fallbacks.increment();
        }
    }

    @Override
    public void upstreamFailed(RequestContext ctx, Deployment deployment, UpstreamException failure) {
        deployment(deployment).error(failure).increment();
    }

    @Override
    public void circuitChanged(Deployment deployment, CircuitState state) {
        deployment(deployment).circuit(state);
    }

    private DeploymentMeters deployment(Deployment d) {
        return lookup(deployments, new DeploymentKey(provider(d.providerName()), models.label(d.upstreamModel())), DeploymentMeters::new);
    }

    private CallMeters callMeters(CallKey k) {
        Counter requests = Counter.builder("tollgate.requests").description("Calls through the proxy routes, by how they ended")
                .tag("route", k.route()).tag(OPERATION, k.operation()).tag("status", k.status()).tag(PROVIDER, k.provider())
                .tag(MODEL, k.model()).tag("cache", k.cache()).register(registry);
        boolean ok = k.status().startsWith("2");
        Timer duration = Timer.builder("gen_ai.client.operation.duration").description("Duration of a call, first byte in to last byte out")
                .tag(OPERATION, k.operation()).tag(PROVIDER, k.provider()).tag(MODEL, k.model()).tag("cache", k.cache())
                .tag("error.type", ok ? ModelLabels.NONE : k.status())
                .serviceLevelObjectives(DURATION_BUCKETS).register(registry);
        return new CallMeters(requests, duration);
    }

    private ModelMeters modelMeters(ModelKey k) {
        Function<String, Counter> tokens = type -> Counter.builder("tollgate.tokens").description("Tokens billed, by type")
                .tag("source", k.source()).tag(OPERATION, k.operation()).tag(PROVIDER, k.provider()).tag(MODEL, k.model())
                .tag(TOKEN_TYPE, type).register(registry);
        Counter cost = Counter.builder("tollgate.cost").baseUnit("usd").description("What the calls cost, from the price table")
                .tag("source", k.source()).tag(OPERATION, k.operation()).tag(PROVIDER, k.provider()).tag(MODEL, k.model())
                .register(registry);
        Function<String, DistributionSummary> usage = type -> DistributionSummary.builder("gen_ai.client.token.usage")
                .description("Tokens per proxied call that succeeded, input and output").tag(OPERATION, k.operation())
                .tag(PROVIDER, k.provider()).tag(MODEL, k.model()).tag(TOKEN_TYPE, type).serviceLevelObjectives(TOKEN_BUCKETS)
                .register(registry);
        Timer ttft = Timer.builder("gen_ai.server.time_to_first_token").description("Time from the request to the first token of a stream")
                .tag(OPERATION, k.operation()).tag(PROVIDER, k.provider()).tag(MODEL, k.model()).serviceLevelObjectives(TTFT_BUCKETS)
                .register(registry);
        return new ModelMeters(tokens.apply("input"), tokens.apply("output"), tokens.apply("cached"), tokens.apply("reasoning"), cost,
                usage.apply("input"), usage.apply("output"), ttft);
    }

    private Counter[] cacheMeters(String tier) {
        return new Counter[] {
            Counter.builder("tollgate.cache.hits").description("Calls answered from a cache, by tier").tag("tier", tier).register(registry),
            Counter.builder("tollgate.cache.savings").baseUnit("usd").description("What cache hits would have cost")
                    .tag("tier", tier).register(registry)};
    }

    private static <K, V> V lookup(ConcurrentMap<K, V> map, K key, Function<K, V> create) {
        V found = map.get(key);
        return found != null ? found : map.computeIfAbsent(key, create);
    }

    private String provider(String name) {
        if (name == null || name.isEmpty()) {
            return ModelLabels.NONE;
        }
        return providers.contains(name) ? name : ModelLabels.OTHER;
    }

    /** The route's template from the log context (set by the route table), never a raw path. */
    private static String route() {
        String route = MDC.get(dev.tollgate.pipeline.LogContext.ROUTE);
        return route == null ? NO_ROUTE : route;
    }

    private static String status(int code) {
        return code >= 0 && code < STATUS.length ? STATUS[code] : "other";
    }

    /** Tollgate's own error codes are a closed set of words; anything else is not a label. */
    private static String code(String code) {
        if (code == null) {
            return ModelLabels.NONE;
        }
        if (code.length() > 48) {
            return ModelLabels.OTHER;
        }
        for (int i = 0; i < code.length(); i++) {
            char c = code.charAt(i);
            if (c != '_' && (c < 'a' || c > 'z') && (c < '0' || c > '9')) {
                return ModelLabels.OTHER;
            }
        }
        return code;
    }

    private static Duration[] seconds(double... values) {
        Duration[] out = new Duration[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Duration.ofNanos(Math.round(values[i] * 1e9));
        }
        return out;
    }
}
