package dev.tollgate.bench;

import dev.tollgate.config.BudgetRuleConfig;
import dev.tollgate.config.BudgetSettingsConfig;
import dev.tollgate.config.ProviderConfig;
import dev.tollgate.config.ProviderKind;
import dev.tollgate.config.SimulatedConfig;
import dev.tollgate.config.TimeoutConfig;
import dev.tollgate.model.ChatRequest;
import dev.tollgate.model.Principal;
import dev.tollgate.model.Usage;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.pipeline.Answer;
import dev.tollgate.pipeline.Endpoint;
import dev.tollgate.pipeline.Inbound;
import dev.tollgate.pipeline.Pipeline;
import dev.tollgate.pipeline.PipelineListener;
import dev.tollgate.pipeline.FallbackStage;
import dev.tollgate.pipeline.UpstreamCallStage;
import dev.tollgate.policy.budget.BudgetAttemptStage;
import dev.tollgate.pipeline.RequestContext;
import dev.tollgate.pipeline.Stage;
import dev.tollgate.policy.budget.BudgetEstimator;
import dev.tollgate.policy.budget.BudgetRuleSet;
import dev.tollgate.policy.budget.BudgetStage;
import dev.tollgate.policy.budget.CounterBudgetPolicy;
import dev.tollgate.policy.routing.ModelCatalog;
import dev.tollgate.provider.ProviderAdapter;
import dev.tollgate.provider.ProviderResponse;
import dev.tollgate.store.memory.InMemoryCounterStore;
import dev.tollgate.usage.PriceTable;
import dev.tollgate.usage.TokenCounter;
import dev.tollgate.api.openai.OpenAiChatParser;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
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
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import tools.jackson.databind.json.JsonMapper;

/**
 * The budget stage's cost per request: planning, the atomic reservation, the settlement and the three
 * snapshots, against three matching rules (per agent × provider, per agent in dollars, a global request
 * count), next to the same pipeline without budgets. The upstream is an in-process adapter that answers
 * at once, so the difference between the two is the budget work. Run with {@code bench/run-jmh.sh BudgetStage}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class BudgetStageBenchmark {

    private static final byte[] BODY = """
            {"model":"gpt-4o-mini","messages":[{"role":"user","content":"Say this is a test."}],"max_tokens":16}
            """.getBytes(StandardCharsets.UTF_8);

    private final JsonMapper json = JsonMapper.builder().build();
    private final ChatRequest request = new OpenAiChatParser(json).parse(BODY);
    private final PriceTable prices = PriceTable.bundled(json);
    private final Principal principal = new Principal("default", "key_1", Set.of(dev.tollgate.model.Scope.INFER), Set.of(),
            Optional.empty(), Optional.empty());
    private final Pipeline withBudgets = pipeline(rules());
    private final Pipeline withoutBudgets = pipeline(List.of());

    private static List<BudgetRuleConfig> rules() {
        List<BudgetRuleConfig> out = new ArrayList<>();
        out.add(rule("per-agent-provider", Map.of("agent", "*", "provider", "openai"), BudgetRuleConfig.Metric.TOKENS));
        out.add(rule("per-agent-usd", Map.of("agent", "*"), BudgetRuleConfig.Metric.COST_USD));
        out.add(rule("global-requests", Map.of(), BudgetRuleConfig.Metric.REQUESTS));
        return out;
    }

    private static BudgetRuleConfig rule(String name, Map<String, String> scope, BudgetRuleConfig.Metric metric) {
        return new BudgetRuleConfig(name, scope, metric, BudgetRuleConfig.Period.MONTH, ZoneOffset.UTC, 1L << 52, List.of(),
                BudgetRuleConfig.DEFAULT_ALERTS, Optional.empty());
    }

    private Pipeline pipeline(List<BudgetRuleConfig> rules) {
        Clock clock = Clock.systemUTC();
        ProviderConfig openai = new ProviderConfig("openai", ProviderKind.OPENAI, URI.create("http://127.0.0.1:1/v1"), Optional.empty(),
                List.of("gpt-*"), "", Map.of(), TimeoutConfig.DEFAULTS, SimulatedConfig.DEFAULTS);
        ProviderResponse answer = new ProviderResponse.Complete(new byte[0], new Usage(12, 16, 0, 0, false), Map.of());
        ProviderAdapter instant = new ProviderAdapter() {
            @Override
            public ProviderResponse chat(ChatRequest r, String model) {
                return answer;
            }

            @Override
            public void close() {
            }
        };
        ModelCatalog catalog = new ModelCatalog(List.of(openai), Map.of("openai", instant));
        CounterBudgetPolicy policy = new CounterBudgetPolicy(new CounterBudgetPolicy.Parts(new BudgetRuleSet(rules),
                new InMemoryCounterStore(clock), new BudgetEstimator(new TokenCounter().warm(), prices), catalog,
                BudgetSettingsConfig.DEFAULTS, PipelineListener.NONE, clock));
        policy.seeded(List.of());
        Stage route = (ctx, chain) -> {
            ctx.route("gpt-4o-mini", catalog.resolve("gpt-4o-mini"), "explicit");
            return chain.proceed(ctx);
        };
        return new Pipeline(List.of(route, new BudgetStage(policy),
                new FallbackStage(List.of(new BudgetAttemptStage(), new UpstreamCallStage(PipelineListener.NONE)))),
                PipelineListener.NONE, prices, clock);
    }

    private UsageEvent call(Pipeline pipeline) {
        RequestContext ctx = pipeline.newContext("req", Endpoint.CHAT, new Inbound(h -> Optional.empty(), BODY, b -> request));
        ctx.principal(principal);
        ctx.tags("imperium", "chat");
        ctx.request(request);
        try (Answer answer = pipeline.execute(ctx)) {
            return ((Answer.Whole) answer).deliver();
        }
    }

    private final TokenCounter tokens = new TokenCounter().warm();

    /** The prompt estimate alone (jtokkit), which the budget stage does once per call. */
    @Benchmark
    public int promptEstimate() {
        return tokens.countPrompt("gpt-4o-mini", request.messages());
    }

    @Benchmark
    public UsageEvent withoutBudgets() {
        return call(withoutBudgets);
    }

    @Benchmark
    public UsageEvent threeMatchingBudgets() {
        return call(withBudgets);
    }

    @Benchmark
    @Threads(2)
    public UsageEvent threeMatchingBudgets_twoThreads() {
        return call(withBudgets);
    }
}
