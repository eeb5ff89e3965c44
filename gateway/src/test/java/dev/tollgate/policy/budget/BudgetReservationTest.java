package dev.tollgate.policy.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tollgate.config.BudgetRuleConfig;
import dev.tollgate.config.BudgetRuleConfig.Action;
import dev.tollgate.config.BudgetRuleConfig.FallbackTarget;
import dev.tollgate.config.BudgetRuleConfig.Metric;
import dev.tollgate.config.BudgetRuleConfig.Period;
import dev.tollgate.config.BudgetRuleConfig.Threshold;
import dev.tollgate.config.BudgetSettingsConfig;
import dev.tollgate.config.ProviderConfig;
import dev.tollgate.config.ProviderKind;
import dev.tollgate.config.SimulatedConfig;
import dev.tollgate.config.TimeoutConfig;
import dev.tollgate.model.BudgetSnapshot;
import dev.tollgate.model.ChatRequest;
import dev.tollgate.model.Message;
import dev.tollgate.model.Principal;
import dev.tollgate.model.Scope;
import dev.tollgate.model.Usage;
import dev.tollgate.pipeline.Answer;
import dev.tollgate.pipeline.CallEnds;
import dev.tollgate.pipeline.Endpoint;
import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.pipeline.Inbound;
import dev.tollgate.pipeline.Pipeline;
import dev.tollgate.pipeline.PipelineListener;
import dev.tollgate.pipeline.FallbackStage;
import dev.tollgate.pipeline.UpstreamCallStage;
import dev.tollgate.pipeline.RequestContext;
import dev.tollgate.policy.routing.ModelCatalog;
import dev.tollgate.provider.ProviderAdapter;
import dev.tollgate.provider.ProviderResponse;
import dev.tollgate.provider.UpstreamException;
import dev.tollgate.store.memory.InMemoryCounterStore;
import dev.tollgate.usage.PriceTable;
import dev.tollgate.usage.TokenCounter;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The budget stage between routing and the provider call, over fake adapters: what is reserved, what
 * settles, what is refused, and in which order deployments are tried.
 */
class BudgetReservationTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final PriceTable PRICES = PriceTable.bundled(JSON);
    private static final TokenCounter TOKENS = new TokenCounter();
    private static final List<Message> PROMPT = List.of(Message.text(dev.tollgate.model.Role.USER, "Say hello."));
    private static final long PROMPT_TOKENS = TOKENS.countPrompt("gpt-4o-mini", PROMPT);

    private final FakeAdapter anthropic = new FakeAdapter();
    private final FakeAdapter openai = new FakeAdapter();
    private final InMemoryCounterStore counters = new InMemoryCounterStore(CLOCK);
    private final List<BudgetSnapshot> snapshots = new CopyOnWriteArrayList<>();

    /** Answers with a scripted usage, or fails; records the requests it got. */
    static final class FakeAdapter implements ProviderAdapter {
        final List<ChatRequest> got = new ArrayList<>();
        final List<String> models = new ArrayList<>();
        Usage usage = new Usage(10, 5, 0, 0, false);
        UpstreamException failure;

        @Override
        public ProviderResponse chat(ChatRequest request, String upstreamModel) {
            got.add(request);
            models.add(upstreamModel);
            if (failure != null) {
                throw failure;
            }
            return new ProviderResponse.Complete(new byte[0], usage, Map.of());
        }

        @Override
        public void close() {
        }
    }

    private static ProviderConfig provider(String name, ProviderKind kind, String models) {
        return new ProviderConfig(name, kind, URI.create("http://127.0.0.1:1/v1"), Optional.empty(), List.of(models), "",
                Map.of(), TimeoutConfig.DEFAULTS, SimulatedConfig.DEFAULTS);
    }

    private static BudgetRuleConfig rule(String name, Map<String, String> scope, Metric metric, long limit, List<Threshold> thresholds,
                                         Optional<FallbackTarget> fallback) {
        return new BudgetRuleConfig(name, scope, metric, Period.MONTH, ZoneOffset.UTC, limit, thresholds, BudgetRuleConfig.DEFAULT_ALERTS, fallback);
    }

    private static BudgetRuleConfig tokens(String name, Map<String, String> scope, long limit) {
        return rule(name, scope, Metric.TOKENS, limit, List.of(), Optional.empty());
    }

    /** A gateway in miniature: set-up → budgets → provider call; returns the pipeline. */
    private Pipeline pipeline(List<BudgetRuleConfig> rules, BudgetSettingsConfig settings) {
        ProviderConfig a = provider("anthropic", ProviderKind.OPENAI_COMPATIBLE, "claude-*");
        ProviderConfig o = provider("openai", ProviderKind.OPENAI, "gpt-*");
        ModelCatalog catalog = new ModelCatalog(List.of(a, o), Map.of("anthropic", anthropic, "openai", openai));
        PipelineListener recording = new PipelineListener() {
            @Override
            public void budgetSettled(BudgetSnapshot snapshot) {
                snapshots.add(snapshot);
            }
        };
        CounterBudgetPolicy policy = new CounterBudgetPolicy(new CounterBudgetPolicy.Parts(new BudgetRuleSet(rules), counters,
                new BudgetEstimator(TOKENS, PRICES), catalog, settings, recording, CLOCK));
        policy.seeded(List.of());
        return new Pipeline(List.of(
                (ctx, chain) -> {
                    String model = ctx.request().orElseThrow().model().orElseThrow();
                    ctx.route(model, catalog.resolve(model), "explicit");
                    return chain.proceed(ctx);
                },
                new BudgetStage(policy),
                new FallbackStage(List.of(new BudgetAttemptStage(), new UpstreamCallStage(PipelineListener.NONE)))),
                PipelineListener.NONE, PRICES, CLOCK);
    }

    private Pipeline pipeline(BudgetRuleConfig... rules) {
        return pipeline(List.of(rules), BudgetSettingsConfig.DEFAULTS);
    }

    private static RequestContext call(Pipeline pipeline, String agent, String model, Integer maxTokens) {
        ObjectNode body = JSON.createObjectNode().put("model", model).put("temperature", 0.9);
        if (maxTokens != null) {
            body.put("max_tokens", maxTokens);
        }
        ChatRequest request = new ChatRequest(Optional.of(model), false, false, Optional.ofNullable(maxTokens), PROMPT, List.of(), body);
        RequestContext ctx = pipeline.newContext("req-" + System.nanoTime(), Endpoint.CHAT, new Inbound(h -> Optional.empty(), new byte[0], b -> request));
        ctx.principal(new Principal("default", "key_1", Set.of(Scope.INFER), Set.of(), Optional.empty(), Optional.empty()));
        ctx.tags(agent, null);
        ctx.request(request);
        return ctx;
    }

    /** Runs a call to its end as the HTTP handler would; returns the error, or null when it was answered. */
    private static GatewayException run(Pipeline pipeline, RequestContext ctx) {
        try (Answer answer = pipeline.execute(ctx)) {
            if (answer instanceof Answer.Failed failed) {
                return failed.error();
            }
            ((Answer.Whole) answer).deliver();
            return null;
        }
    }

    private long value(String key) {
        return counters.values(List.of(key)).getFirst();
    }

    private static final String IMPERIUM_TOKENS = "budget|agents|tokens|org=default,agent=imperium|2026-11";
    /** A deployment that has billed nothing yet reserves the prompt at the unlearned ratio. */
    private static final long UNLEARNED_PROMPT = (long) Math.ceil(PROMPT_TOKENS * PromptCorrection.UNLEARNED);

    @Test
    void theBilledPromptRatio_isLearned_andOnlyEverRaisesTheNextReservation() {
        Pipeline p = pipeline(tokens("agents", Map.of("agent", "*"), 1_000_000));
        openai.usage = new Usage(PROMPT_TOKENS * 3, 10, 0, 0, false);
        run(p, call(p, "imperium", "gpt-4o-mini", 100));
        long afterFirst = value(IMPERIUM_TOKENS);

        Answer second = p.execute(call(p, "imperium", "gpt-4o-mini", 100));
        long reservedAtThree = value(IMPERIUM_TOKENS) - afterFirst;
        ((Answer.Whole) second).deliver();
        openai.usage = new Usage(PROMPT_TOKENS, 10, 0, 0, false);
        run(p, call(p, "imperium", "gpt-4o-mini", 100));
        long before = value(IMPERIUM_TOKENS);
        Answer fourth = p.execute(call(p, "imperium", "gpt-4o-mini", 100));
        long reservedAfterAnExactCall = value(IMPERIUM_TOKENS) - before;
        ((Answer.Whole) fourth).deliver();

        assertThat(afterFirst).isEqualTo(PROMPT_TOKENS * 3 + 10);
        assertThat(reservedAtThree).isEqualTo(PROMPT_TOKENS * 3 + 100);
        assertThat(reservedAfterAnExactCall).as("a lower ratio never lowers the bound").isEqualTo(PROMPT_TOKENS * 3 + 100);
    }

    @Test
    void usageTollgateCountedItself_teachesNothing() {
        Pipeline p = pipeline(tokens("agents", Map.of("agent", "*"), 1_000_000));
        openai.usage = Usage.estimated(PROMPT_TOKENS, 10);
        run(p, call(p, "imperium", "gpt-4o-mini", 100));
        long before = value(IMPERIUM_TOKENS);

        p.execute(call(p, "imperium", "gpt-4o-mini", 100));

        assertThat(value(IMPERIUM_TOKENS) - before).isEqualTo(UNLEARNED_PROMPT + 100);
    }

    @Test
    void theWorstCase_isReservedDuringTheCall_andTheActualUsageSettles() {
        Pipeline p = pipeline(tokens("agents", Map.of("agent", "*"), 10_000));
        long[] during = new long[1];
        openai.usage = new Usage(PROMPT_TOKENS, 40, 0, 0, false);
        RequestContext ctx = call(p, "imperium", "gpt-4o-mini", 500);

        Answer answer = p.execute(ctx);
        during[0] = value(IMPERIUM_TOKENS);
        ((Answer.Whole) answer).deliver();

        assertThat(during[0]).isEqualTo(UNLEARNED_PROMPT + 500);
        assertThat(value(IMPERIUM_TOKENS)).isEqualTo(PROMPT_TOKENS + 40);
        assertThat(snapshots).singleElement().satisfies(s -> {
            assertThat(s.used()).isEqualTo(PROMPT_TOKENS + 40);
            assertThat(s.limit()).isEqualTo(10_000);
            assertThat(s.scope()).containsExactly(Map.entry("agent", "imperium"));
            assertThat(s.thresholds()).containsExactly(Map.entry("warning", 0.80), Map.entry("critical", 0.95), Map.entry("emergency", 0.98));
        });
    }

    @Test
    void withoutMaxTokens_theModelsOutputLimitFromThePriceMap_isReserved() {
        Pipeline p = pipeline(tokens("agents", Map.of("agent", "*"), 1_000_000));
        RequestContext ctx = call(p, "imperium", "gpt-4o-mini", null);

        p.execute(ctx);

        assertThat(value(IMPERIUM_TOKENS)).isEqualTo(UNLEARNED_PROMPT + 16_384);
    }

    @Test
    void costBudgets_reserveThePricedWorstCase_andSettleTheCallsCost() {
        BudgetRuleConfig dollars = rule("usd", Map.of("agent", "*"), Metric.COST_USD, 1_000_000, List.of(), Optional.empty());
        Pipeline p = pipeline(dollars);
        openai.usage = new Usage(1_000, 2_000, 0, 0, false);
        RequestContext ctx = call(p, "imperium", "gpt-4o-mini", 10_000);
        String key = "budget|usd|cost_usd|org=default,agent=imperium|2026-11";

        Answer answer = p.execute(ctx);
        long reserved = value(key);
        ((Answer.Whole) answer).deliver();

        // gpt-4o-mini: $0.15 / 1M input, $0.60 / 1M output.
        assertThat(reserved).isEqualTo(Math.round((UNLEARNED_PROMPT * 0.15 + 10_000 * 0.60)));
        assertThat(value(key)).isEqualTo(Math.round(1_000 * 0.15 + 2_000 * 0.60));
    }

    @Test
    void aFailedCall_releasesEverything_andSettlingTwiceIsImpossible() {
        Pipeline p = pipeline(tokens("agents", Map.of("agent", "*"), 10_000));
        openai.failure = new UpstreamException(UpstreamException.Kind.STATUS, 500, null, Map.of(), "upstream said 500");
        RequestContext ctx = call(p, "imperium", "gpt-4o-mini", 500);

        GatewayException e = run(p, ctx);

        assertThat(e.status()).isEqualTo(502);
        assertThat(value(IMPERIUM_TOKENS)).isZero();
        assertThat(catchThrowableOfType(IllegalStateException.class, () -> CallEnds.delivered(ctx, Usage.NONE))).isNotNull();
        assertThat(value(IMPERIUM_TOKENS)).isZero();
    }

    @Test
    void aCallThatWouldPassTheLimit_isRefused_namingTheBudget_withRetryAfterToTheMonthsEnd() {
        Pipeline p = pipeline(tokens("agents", Map.of("agent", "*"), 1_000));
        counters.set(IMPERIUM_TOKENS, 990, Instant.parse("2026-12-01T00:00:00Z"));

        GatewayException e = run(p, call(p, "imperium", "gpt-4o-mini", 100));

        assertThat(e.status()).isEqualTo(429);
        assertThat(e.type()).isEqualTo("budget_exceeded");
        assertThat(e.code()).isEqualTo("budget_exceeded");
        assertThat(e.getMessage()).contains("budget 'agents'", "agent imperium", "990 tokens of 1000 tokens");
        long toMonthEnd = java.time.Duration.between(NOW, Instant.parse("2026-12-01T00:00:00Z")).toSeconds();
        assertThat(e.headers()).containsEntry("retry-after", Long.toString(toMonthEnd));
        assertThat(openai.got).isEmpty();
        assertThat(value(IMPERIUM_TOKENS)).isEqualTo(990);
        assertThat(run(p, call(p, "guardian", "gpt-4o-mini", 100))).isNull();
    }

    @Test
    void requestBudgets_countOnlyCallsThatSucceeded() {
        BudgetRuleConfig requests = rule("calls", Map.of("agent", "*"), Metric.REQUESTS, 2, List.of(), Optional.empty());
        Pipeline p = pipeline(requests);
        String key = "budget|calls|requests|org=default,agent=imperium|2026-11";

        assertThat(run(p, call(p, "imperium", "gpt-4o-mini", 10))).isNull();
        openai.failure = new UpstreamException(UpstreamException.Kind.STATUS, 400, null, Map.of(), "bad");
        assertThat(run(p, call(p, "imperium", "gpt-4o-mini", 10))).isNotNull();
        openai.failure = null;
        assertThat(run(p, call(p, "imperium", "gpt-4o-mini", 10))).isNull();
        assertThat(value(key)).isEqualTo(2);
        assertThat(run(p, call(p, "imperium", "gpt-4o-mini", 10)).code()).isEqualTo("budget_exceeded");
    }

    @Test
    void aBlockThreshold_isAHardLimitBelow100Percent() {
        Pipeline p = pipeline(rule("half", Map.of("agent", "*"), Metric.TOKENS, 1_000, List.of(new Threshold(0.5, Action.BLOCK)), Optional.empty()));
        counters.set("budget|half|tokens|org=default,agent=imperium|2026-11", 450, Instant.parse("2026-12-01T00:00:00Z"));

        GatewayException e = run(p, call(p, "imperium", "gpt-4o-mini", 100));

        assertThat(e.code()).isEqualTo("budget_exceeded");
        assertThat(e.getMessage()).contains("of 500 tokens");
    }

    private static List<BudgetRuleConfig> reference(long anthropicLimit, long openaiLimit) {
        FallbackTarget toOpenAi = new FallbackTarget("openai", "gpt-4o-mini", Optional.of(100), Optional.of(0.2));
        return List.of(
                rule("anthropic-monthly-per-agent", Map.of("agent", "*", "provider", "anthropic"), Metric.TOKENS, anthropicLimit,
                        List.of(new Threshold(0.95, Action.PREFER_FALLBACK)), Optional.of(toOpenAi)),
                tokens("openai-monthly-per-agent", Map.of("agent", "*", "provider", "openai"), openaiLimit));
    }

    @Test
    void pastPreferFallback_theCallGoesToTheFallbackTarget_rewritten() {
        Pipeline p = pipeline(reference(140_000, 9_000), BudgetSettingsConfig.DEFAULTS);
        counters.set("budget|anthropic-monthly-per-agent|tokens|org=default,agent=imperium,provider=anthropic|2026-11", 133_280,
                Instant.parse("2026-12-01T00:00:00Z"));
        RequestContext ctx = call(p, "imperium", "claude-3-5-sonnet-20241022", 50);

        assertThat(run(p, ctx)).isNull();

        assertThat(anthropic.got).isEmpty();
        assertThat(openai.models).containsExactly("gpt-4o-mini");
        ChatRequest sent = openai.got.getFirst();
        assertThat(sent.maxTokens()).contains(100);
        assertThat(sent.body().get("max_tokens").asInt()).isEqualTo(100);
        assertThat(sent.body().get("temperature").asDouble()).isEqualTo(0.2);
        assertThat(sent.body().get("model").asString()).isEqualTo("gpt-4o-mini");
        assertThat(ctx.routingReason()).contains("budget: anthropic at 95.2% of 140000 tokens for agent imperium, fallback openai");
        assertThat(run(p, call(p, "guardian", "claude-3-5-sonnet-20241022", 50))).isNull();
        assertThat(anthropic.got).hasSize(1);
    }

    @Test
    void whenTheFallbackIsExhaustedToo_theCallIsRefusedWithBothExhausted() {
        Pipeline p = pipeline(reference(140_000, 9_000), BudgetSettingsConfig.DEFAULTS);
        Instant end = Instant.parse("2026-12-01T00:00:00Z");
        counters.set("budget|anthropic-monthly-per-agent|tokens|org=default,agent=imperium,provider=anthropic|2026-11", 133_000, end);
        counters.set("budget|openai-monthly-per-agent|tokens|org=default,agent=imperium,provider=openai|2026-11", 9_000, end);

        GatewayException e = run(p, call(p, "imperium", "claude-3-5-sonnet-20241022", 50));

        assertThat(e.status()).isEqualTo(429);
        assertThat(e.code()).isEqualTo("both_exhausted");
        assertThat(e.getMessage()).contains("openai-monthly-per-agent", "anthropic: kept in reserve");
        assertThat(e.getMessage()).as("dialects without a code field (Anthropic's) still show it").startsWith("both_exhausted: ");
        assertThat(e.headers()).containsKey("retry-after");
        assertThat(anthropic.got).isEmpty();
        assertThat(openai.got).isEmpty();
    }

    @Test
    void whenTheFallbackUpstreamFails_theDemotedPrimaryStillServes() {
        Pipeline p = pipeline(reference(140_000, 9_000), BudgetSettingsConfig.DEFAULTS);
        String anthropicKey = "budget|anthropic-monthly-per-agent|tokens|org=default,agent=imperium,provider=anthropic|2026-11";
        counters.set(anthropicKey, 133_000, Instant.parse("2026-12-01T00:00:00Z"));
        openai.failure = new UpstreamException(UpstreamException.Kind.STATUS, 503, null, Map.of(), "overloaded");
        anthropic.usage = new Usage(20, 30, 0, 0, false);

        assertThat(run(p, call(p, "imperium", "claude-3-5-sonnet-20241022", 50))).isNull();

        assertThat(anthropic.got).hasSize(1);
        assertThat(value(anthropicKey)).isEqualTo(133_050);
        assertThat(value("budget|openai-monthly-per-agent|tokens|org=default,agent=imperium,provider=openai|2026-11")).isZero();
    }

    @Test
    void inEmergency_onlyPriorityAgentsPass() {
        BudgetRuleConfig brake = rule("org-wide", Map.of(), Metric.TOKENS, 1_000_000, List.of(new Threshold(0.98, Action.EMERGENCY)), Optional.empty());
        Pipeline p = pipeline(List.of(brake), BudgetSettingsConfig.of(ZoneOffset.UTC, List.of("guardian"), List.of()));
        counters.set("budget|org-wide|tokens||2026-11", 985_000, Instant.parse("2026-12-01T00:00:00Z"));

        GatewayException refused = run(p, call(p, "imperium", "gpt-4o-mini", 10));

        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.code()).isEqualTo("budget_emergency");
        assertThat(refused.getMessage()).contains("org-wide", "only priority agents and keys");
        assertThat(run(p, call(p, "guardian", "gpt-4o-mini", 10))).isNull();
    }

    @Test
    void everyMatchingBudget_isReservedAllOrNothing() {
        Pipeline p = pipeline(tokens("agents", Map.of("agent", "*"), 10_000), tokens("global", Map.of(), 100));
        GatewayException e = run(p, call(p, "imperium", "gpt-4o-mini", 200));

        assertThat(e.getMessage()).contains("budget 'global'");
        assertThat(value(IMPERIUM_TOKENS)).as("the agent's budget took nothing, as the global one refused").isZero();
    }
}
