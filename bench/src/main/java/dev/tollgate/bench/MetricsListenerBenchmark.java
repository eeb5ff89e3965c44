package dev.tollgate.bench;

import dev.tollgate.config.ProviderConfig;
import dev.tollgate.config.ProviderKind;
import dev.tollgate.config.SimulatedConfig;
import dev.tollgate.config.TimeoutConfig;
import dev.tollgate.metrics.MetricsListener;
import dev.tollgate.metrics.ModelLabels;
import dev.tollgate.model.RateLimits;
import dev.tollgate.model.Usage;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.pipeline.Endpoint;
import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.pipeline.Inbound;
import dev.tollgate.pipeline.LogContext;
import dev.tollgate.pipeline.Pipeline;
import dev.tollgate.pipeline.PipelineListener;
import dev.tollgate.pipeline.RequestContext;
import dev.tollgate.provider.Deployment;
import dev.tollgate.usage.PriceTable;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.slf4j.MDC;
import tools.jackson.databind.json.JsonMapper;

/**
 * The metrics listener's cost per request, as the pipeline calls it: {@code plainCall} is one upstream
 * attempt and the call's completion (requests counter, duration histogram, token and cost counters, the
 * token-usage histogram); {@code streamedCall} adds the time-to-first-token histogram; {@code refusedCall}
 * a refusal before authentication. Meters already exist (the steady state of a running gateway). Run with
 * {@code bench/run-jmh.sh MetricsListenerBenchmark}; the scrape itself is not on the request path.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MetricsListenerBenchmark {

    private static final Usage USAGE = new Usage(24, 12, 0, 0, false);
    private static final GatewayException NO_KEY = GatewayException.unauthorized("missing API key");

    private MetricsListener listener;
    private RequestContext ctx;
    private Deployment deployment;
    private UsageEvent plain;
    private UsageEvent streamed;

    @Setup
    public void setUp() {
        listener = new MetricsListener(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                new ModelLabels(Set.of("gpt-4o-mini", "gpt-4o", "claude-sonnet-4-5")), Set.of("openai", "anthropic"));
        deployment = new Deployment(new ProviderConfig("openai", ProviderKind.OPENAI, URI.create("http://127.0.0.1:9/v1"), Optional.empty(),
                List.of("*"), "openai/", Map.of(), TimeoutConfig.DEFAULTS, SimulatedConfig.DEFAULTS, RateLimits.NONE), "gpt-4o-mini", null);
        Pipeline pipeline = new Pipeline(List.of(), PipelineListener.NONE, PriceTable.bundled(JsonMapper.builder().build()), Clock.systemUTC());
        ctx = pipeline.newContext("req", Endpoint.CHAT, new Inbound(h -> Optional.empty(), new byte[0], b -> null));
        ctx.route("gpt-4o-mini", List.of(deployment), "explicit: openai serves gpt-4o-mini");
        plain = event(-1);
        streamed = event(180);
        MDC.put(LogContext.ROUTE, "POST /v1/chat/completions");
    }

    private static UsageEvent event(long ttftMs) {
        return new UsageEvent("evt", Instant.now(), "req", "acme", "key", "agent", "feature", "chat", "proxy", "openai", "gpt-4o-mini",
                USAGE, 0.0000153, true, 0, 420, ttftMs, 200, null, ttftMs >= 0, 1, "miss", "explicit: openai serves gpt-4o-mini");
    }

    @Benchmark
    public void plainCall() {
        listener.upstreamAttempt(ctx, deployment);
        listener.completed(plain);
    }

    @Benchmark
    public void streamedCall() {
        listener.upstreamAttempt(ctx, deployment);
        listener.firstToken(ctx);
        listener.completed(streamed);
    }

    @Benchmark
    public void refusedCall() {
        listener.refused(ctx, NO_KEY);
    }
}
