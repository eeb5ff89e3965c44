package dev.tollgate.bench;

import dev.tollgate.config.AutopilotConfig;
import dev.tollgate.config.ProviderConfig;
import dev.tollgate.config.ProviderKind;
import dev.tollgate.config.SimulatedConfig;
import dev.tollgate.config.TimeoutConfig;
import dev.tollgate.model.ChatRequest;
import dev.tollgate.model.Message;
import dev.tollgate.model.Principal;
import dev.tollgate.model.Role;
import dev.tollgate.pipeline.Endpoint;
import dev.tollgate.pipeline.Inbound;
import dev.tollgate.pipeline.Pipeline;
import dev.tollgate.pipeline.PipelineListener;
import dev.tollgate.pipeline.RequestContext;
import dev.tollgate.pipeline.RoutePlan;
import dev.tollgate.policy.budget.BudgetEstimator;
import dev.tollgate.policy.routing.AutopilotRouting;
import dev.tollgate.policy.routing.DeploymentObserver;
import dev.tollgate.policy.routing.ModelCatalog;
import dev.tollgate.policy.routing.learned.PromptRouter;
import dev.tollgate.usage.PriceTable;
import dev.tollgate.usage.TokenCounter;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

/**
 * The autopilot stage's cost per request: the catalog profiles of every candidate, the fit filters, the
 * worst-case pricing of each, the learned router's decision and the plan with its reason. {@code candidates}
 * is how many models autopilot chooses from; the prompt's token estimate is counted once per call as in the
 * gateway (the rate-limit stage usually has it already; here each call counts it). Run with
 * {@code bench/run-jmh.sh AutopilotRoutingBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AutopilotRoutingBenchmark {

    private static final List<String> MODELS = List.of("gpt-4o-mini", "gpt-4o", "claude-sonnet-4-5", "gpt-3.5-turbo", "gpt-4.1-mini",
            "claude-opus-4-1", "gpt-4.1", "gpt-4.1-nano");

    @Param({"2", "8"})
    public int candidates;

    private AutopilotRouting routing;
    private Pipeline pipeline;
    private ChatRequest chat;
    private Principal principal;

    @Setup
    public void setUp() {
        JsonMapper json = JsonMapper.builder().build();
        PriceTable prices = PriceTable.bundled(json);
        ProviderConfig openai = new ProviderConfig("openai", ProviderKind.OPENAI, URI.create("http://127.0.0.1:1/v1"), Optional.empty(),
                List.of("gpt-*"), "", Map.of(), TimeoutConfig.DEFAULTS, SimulatedConfig.DEFAULTS);
        ProviderConfig anthropic = new ProviderConfig("anthropic", ProviderKind.ANTHROPIC, URI.create("http://127.0.0.1:1"), Optional.empty(),
                List.of("claude-*"), "", Map.of(), TimeoutConfig.DEFAULTS, SimulatedConfig.DEFAULTS);
        AutopilotConfig config = new AutopilotConfig(new AutopilotConfig.Settings(MODELS.subList(0, candidates), "balanced"), Map.of(), Map.of());
        ModelCatalog catalog = new ModelCatalog(List.of(openai, anthropic), Map.of(), Map.of(),
                new ModelCatalog.Facts(prices, config, new DeploymentObserver()));
        routing = new AutopilotRouting(catalog, "gpt-4o-mini", PromptRouter.bundled()::decide, new BudgetEstimator(new TokenCounter(), prices));
        pipeline = new Pipeline(List.of(), PipelineListener.NONE, prices, Clock.systemUTC());
        chat = new ChatRequest(Optional.empty(), false, false, Optional.of(256),
                List.of(Message.text(Role.USER, "Explain why the sky is blue in two sentences.")), List.of(), json.createObjectNode());
        principal = Principal.open();
    }

    @Benchmark
    public RoutePlan plan() {
        RequestContext ctx = pipeline.newContext("bench", Endpoint.CHAT, new Inbound(name -> Optional.empty(), new byte[0], null));
        ctx.principal(principal);
        ctx.request(chat);
        return routing.plan(ctx, "auto");
    }
}
