package dev.tollgate.bench;

import dev.tollgate.config.ProviderConfig;
import dev.tollgate.config.ProviderKind;
import dev.tollgate.config.RateLimitsConfig;
import dev.tollgate.config.SimulatedConfig;
import dev.tollgate.config.TimeoutConfig;
import dev.tollgate.model.ChatRequest;
import dev.tollgate.model.Message;
import dev.tollgate.model.Principal;
import dev.tollgate.model.RateLimits;
import dev.tollgate.model.Role;
import dev.tollgate.model.Usage;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.pipeline.Answer;
import dev.tollgate.pipeline.AttemptDecision;
import dev.tollgate.pipeline.AttemptStage;
import dev.tollgate.pipeline.FallbackStage;
import dev.tollgate.pipeline.Endpoint;
import dev.tollgate.pipeline.Inbound;
import dev.tollgate.pipeline.Pipeline;
import dev.tollgate.pipeline.PipelineListener;
import dev.tollgate.pipeline.RequestContext;
import dev.tollgate.pipeline.Stage;
import dev.tollgate.policy.ratelimit.DeploymentLimitStage;
import dev.tollgate.policy.ratelimit.RateLimitPolicy;
import dev.tollgate.policy.ratelimit.RateLimitStage;
import dev.tollgate.provider.Deployment;
import dev.tollgate.provider.ProviderResponse;
import dev.tollgate.store.memory.InMemoryCounterStore;
import dev.tollgate.usage.PriceTable;
import dev.tollgate.usage.TokenCounter;
import java.net.URI;
import java.time.Clock;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * The rate-limit stages' cost per request: the key check (rpm + tpm, with the prompt's token estimate),
 * the deployment check in the attempt loop (rpm + rpd + tpm) and the settlement when the call ends,
 * against the same request path with no limits configured ({@code limits=none}). Each operation is one
 * whole call through a pipeline of [rate limit stage, attempts: the deployment limit stage, an attempt that answers],
 * delivered (settled) as the HTTP route does it. Run with {@code bench/run-jmh.sh RateLimitBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RateLimitBenchmark {

    /**
     * {@code none}: no limits anywhere; {@code requests-only}: key rpm and deployment rpm + rpd (no token
     * estimate needed); {@code key+deployment}: a key with rpm and tpm, a deployment with rpm, rpd and tpm.
     */
    @Param({"none", "requests-only", "key+deployment"})
    public String limits;

    private static final long HUGE = 1_000_000_000_000L;
    private static final Usage BILLED = new Usage(24, 12, 0, 0, false);
    private static final ProviderResponse ANSWER = new ProviderResponse.Complete(new byte[0], BILLED, Map.of());

    private Pipeline pipeline;
    private Principal principal;
    private Deployment deployment;
    private ChatRequest request;
    private final Inbound inbound = new Inbound(h -> Optional.empty(), new byte[0], b -> null);

    @Setup
    public void setUp() {
        boolean on = !limits.equals("none");
        long tpm = limits.equals("key+deployment") ? HUGE : 0;
        Clock clock = Clock.systemUTC();
        TokenCounter tokens = new TokenCounter().warm();
        RateLimitPolicy policy = new RateLimitPolicy(new InMemoryCounterStore(clock), tokens, RateLimitsConfig.DEFAULTS, clock);
        principal = new Principal("acme", "key_bench", Set.of(dev.tollgate.model.Scope.INFER), Set.of(), Optional.empty(), Optional.empty(), false,
                on ? RateLimits.perKey(HUGE, tpm) : RateLimits.NONE);
        deployment = new Deployment(new ProviderConfig("openai", ProviderKind.OPENAI, URI.create("http://127.0.0.1:9/v1"), Optional.empty(),
                List.of("*"), "openai/", Map.of(), TimeoutConfig.DEFAULTS, SimulatedConfig.DEFAULTS,
                on ? new RateLimits(HUGE, HUGE, tpm, 0) : RateLimits.NONE), "gpt-4o-mini", null);
        request = new ChatRequest(Optional.of("gpt-4o-mini"), false, false, Optional.of(256),
                List.of(Message.text(Role.USER, "Say this is a test.")), List.of(), JsonNodeFactory.instance.objectNode());
        AttemptStage answer = (attempt, chain) -> AttemptDecision.answered(attempt, ANSWER);
        Stage attempts = new FallbackStage(List.of(new DeploymentLimitStage(policy), answer));
        pipeline = new Pipeline(List.of(new RateLimitStage(policy), attempts), PipelineListener.NONE,
                PriceTable.bundled(JsonMapper.builder().build()), clock);
    }

    @Benchmark
    public UsageEvent callThroughRateLimits() {
        RequestContext ctx = pipeline.newContext("req", Endpoint.CHAT, inbound);
        ctx.principal(principal);
        ctx.request(request);
        ctx.route("gpt-4o-mini", List.of(deployment), "explicit: openai serves gpt-4o-mini");
        try (Answer answer = pipeline.execute(ctx)) {
            return ((Answer.Whole) answer).deliver();
        }
    }
}
