package dev.tollgate.policy.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tollgate.config.AutopilotConfig;
import dev.tollgate.config.ProviderConfig;
import dev.tollgate.config.ProviderKind;
import dev.tollgate.config.SimulatedConfig;
import dev.tollgate.config.TimeoutConfig;
import dev.tollgate.model.ChatRequest;
import dev.tollgate.model.ContentPart;
import dev.tollgate.model.Message;
import dev.tollgate.model.Principal;
import dev.tollgate.model.Role;
import dev.tollgate.model.Scope;
import dev.tollgate.model.ToolDefinition;
import dev.tollgate.model.Usage;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.pipeline.Endpoint;
import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.pipeline.Inbound;
import dev.tollgate.pipeline.Pipeline;
import dev.tollgate.pipeline.PipelineListener;
import dev.tollgate.pipeline.RequestContext;
import dev.tollgate.pipeline.RoutePlan;
import dev.tollgate.pipeline.RouteStep;
import dev.tollgate.policy.budget.BudgetEstimator;
import dev.tollgate.policy.routing.learned.QualityPreference;
import dev.tollgate.policy.routing.learned.QualityTier;
import dev.tollgate.policy.routing.learned.RouteChoice;
import dev.tollgate.usage.PriceTable;
import dev.tollgate.usage.TokenCounter;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Autopilot over a catalog matrix (real price map entries: gpt-3.5-turbo 16k without vision or JSON mode, gpt-4o-mini,
 * gpt-4o, claude-sonnet-4-5), with the router's tier scripted so each rule is tested alone.
 */
class AutopilotRoutingTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final PriceTable PRICES = PriceTable.bundled(JSON);
    private static final BudgetEstimator COSTS = new BudgetEstimator(new TokenCounter(), PRICES);
    private static final List<String> ALL = List.of("gpt-4o", "claude-sonnet-4-5", "gpt-4o-mini", "gpt-3.5-turbo");
    private static final Pipeline PIPELINE = new Pipeline(List.of(), PipelineListener.NONE, PRICES, Clock.systemUTC());

    private final DeploymentObserver observer = new DeploymentObserver();
    private final List<QualityPreference> asked = new ArrayList<>();
    private QualityTier tier = QualityTier.WEAK;

    private static ProviderConfig provider(String name, ProviderKind kind, String models) {
        return new ProviderConfig(name, kind, URI.create("http://127.0.0.1:1/v1"), Optional.empty(), List.of(models), "",
                Map.of(), TimeoutConfig.DEFAULTS, SimulatedConfig.DEFAULTS);
    }

    private AutopilotRouting routing(AutopilotConfig config) {
        ModelCatalog catalog = new ModelCatalog(List.of(provider("openai", ProviderKind.OPENAI, "gpt-*"),
                provider("anthropic", ProviderKind.ANTHROPIC, "claude-*")), Map.of(), Map.of(),
                new ModelCatalog.Facts(PRICES, config, observer));
        return new AutopilotRouting(catalog, "gpt-4o-mini", (request, preference) -> {
            asked.add(preference);
            return new RouteChoice(tier, tier == QualityTier.STRONG ? 0.9 : 0.1, 0.5, 0.7);
        }, COSTS);
    }

    private static AutopilotConfig candidates(List<String> models, Map<String, AutopilotConfig.ModelTraits> traits) {
        return new AutopilotConfig(new AutopilotConfig.Settings(models, "balanced"), Map.of(), traits);
    }

    private RoutePlan plan(AutopilotConfig config, ChatRequest chat, Map<String, String> headers, Set<String> allowed) {
        return plan(routing(config), chat, headers, allowed);
    }

    private RoutePlan plan(AutopilotRouting routing, ChatRequest chat, Map<String, String> headers, Set<String> allowed) {
        Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        h.putAll(headers);
        RequestContext ctx = PIPELINE.newContext("req-1", Endpoint.CHAT, new Inbound(name -> Optional.ofNullable(h.get(name)), new byte[0], null));
        ctx.principal(new Principal("acme", "key-1", Set.of(Scope.INFER), allowed, Optional.empty(), Optional.empty()));
        ctx.request(chat);
        return routing.plan(ctx, "auto");
    }

    private static ChatRequest chat(List<Message> messages, List<ToolDefinition> tools, Integer maxTokens, String responseFormat) {
        ObjectNode body = JSON.createObjectNode();
        if (responseFormat != null) {
            body.putObject("response_format").put("type", responseFormat);
        }
        return new ChatRequest(Optional.empty(), false, false, Optional.ofNullable(maxTokens), messages, tools, body);
    }

    private static ChatRequest text(String prompt) {
        return chat(List.of(Message.text(Role.USER, prompt)), List.of(), 200, null);
    }

    private static List<String> models(RoutePlan plan) {
        return plan.steps().stream().map(s -> s.target().upstreamModel()).toList();
    }

    @Test
    void weakPrompt_goesToTheCheapestFittingCandidate_andTheReasonNamesTheCandidates() {
        RoutePlan plan = plan(candidates(ALL, Map.of()), text("What is 2 + 2?"), Map.of(), Set.of());

        assertThat(plan.model()).isEqualTo("gpt-4o-mini");
        assertThat(models(plan).getFirst()).isEqualTo("gpt-4o-mini");
        assertThat(models(plan)).containsExactlyInAnyOrderElementsOf(ALL);
        assertThat(plan.reason()).startsWith("autopilot: gpt-4o-mini (router 0.100 < 0.500").contains("weak; cheapest of gpt-4o-mini $")
                .contains("gpt-4o $").contains("claude-sonnet-4-5 $").contains("gpt-3.5-turbo $");
    }

    @Test
    void strongPrompt_goesToTheCheapestStrongCandidate() {
        tier = QualityTier.STRONG;

        RoutePlan plan = plan(candidates(ALL, Map.of()), text("Prove that there are infinitely many primes."), Map.of(), Set.of());

        assertThat(plan.model()).as("gpt-4o is cheaper than claude-sonnet-4-5, both strong").isEqualTo("gpt-4o");
        assertThat(plan.reason()).contains("cheapest strong of");
    }

    @Test
    void toolsRequest_neverGoesToAModelWithoutToolSupport() {
        var noTools = new AutopilotConfig.ModelTraits(Optional.empty(), Optional.of(false), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty());
        AutopilotConfig config = candidates(ALL, Map.of("gpt-4o-mini", noTools, "gpt-4o", noTools));
        ChatRequest tools = chat(List.of(Message.text(Role.USER, "Weather in Paris?")),
                List.of(new ToolDefinition("weather", "the weather", "{\"type\":\"object\"}")), 200, null);

        RoutePlan plan = plan(config, tools, Map.of(), Set.of());

        assertThat(plan.model()).isEqualTo("gpt-3.5-turbo");
        assertThat(models(plan)).doesNotContain("gpt-4o-mini", "gpt-4o");
        assertThat(plan.reason()).contains("gpt-4o-mini: no tool calls").contains("gpt-4o: no tool calls");
        assertThat(models(plan(config, text("hi"), Map.of(), Set.of()))).as("without tools they are candidates").contains("gpt-4o-mini", "gpt-4o");
    }

    @Test
    void imageRequest_goesToAVisionModel_andJsonModeToAModelWithIt() {
        AutopilotConfig config = candidates(List.of("gpt-3.5-turbo", "gpt-4o"), Map.of());
        ChatRequest image = chat(List.of(new Message(Role.USER, List.of(new ContentPart.Text("What is this?"),
                new ContentPart.Image("https://example.com/cat.png", null)), List.of(), null, null)), List.of(), 200, null);

        assertThat(plan(config, text("What is this?"), Map.of(), Set.of()).model()).isEqualTo("gpt-3.5-turbo");
        RoutePlan vision = plan(config, image, Map.of(), Set.of());
        assertThat(models(vision)).containsExactly("gpt-4o");
        assertThat(vision.reason()).contains("gpt-3.5-turbo: no image input");
        RoutePlan json = plan(config, chat(List.of(Message.text(Role.USER, "List three colours as JSON.")), List.of(), 200, "json_object"), Map.of(), Set.of());
        assertThat(models(json)).containsExactly("gpt-4o");
        assertThat(json.reason()).contains("gpt-3.5-turbo: no JSON mode");
    }

    @Test
    void oversizePrompt_goesToALargerWindow() {
        AutopilotConfig config = candidates(List.of("gpt-3.5-turbo", "gpt-4o"), Map.of());
        String big = "lorem ipsum dolor sit amet ".repeat(4_000);

        RoutePlan plan = plan(config, text(big), Map.of(), Set.of());

        assertThat(models(plan)).containsExactly("gpt-4o");
        assertThat(plan.reason()).containsPattern("gpt-3\\.5-turbo: context 16385 < \\d+ tokens");
        assertThat(models(plan(config, text("short"), Map.of(), Set.of()))).as("a short prompt: cheaper first, larger after")
                .containsExactly("gpt-3.5-turbo", "gpt-4o");
    }

    @Test
    void latencyBudget_leavesOutCandidatesObservedSlower() {
        AutopilotRouting routing = routing(candidates(ALL, Map.of()));
        for (int i = 0; i < 20; i++) {
            observer.completed(event("openai", "gpt-4o-mini", 1_500 + i));
            observer.completed(event("openai", "gpt-3.5-turbo", 300 + i));
        }

        RoutePlan plan = plan(routing, text("hi"), Map.of("X-Tollgate-Latency-Budget-Ms", "800"), Set.of());

        assertThat(plan.model()).isEqualTo("gpt-3.5-turbo");
        assertThat(models(plan)).doesNotContain("gpt-4o-mini").contains("gpt-4o", "claude-sonnet-4-5");
        assertThat(plan.reason()).contains("gpt-4o-mini: p95 1518 ms > budget 800 ms");
    }

    @Test
    void costCeiling_isRespected_andNothingUnderItIsA400NamingTheCeiling() {
        tier = QualityTier.STRONG;
        AutopilotConfig config = candidates(ALL, Map.of());
        ChatRequest chat = text("Explain entropy.");

        RoutePlan plan = plan(config, chat, Map.of("X-Tollgate-Budget-Usd", "0.001"), Set.of());

        assertThat(models(plan)).as("gpt-4o and claude cost more than $0.001 at 200 output tokens").containsExactly("gpt-4o-mini", "gpt-3.5-turbo");
        for (RouteStep step : plan.steps()) {
            assertThat(COSTS.worstCase(chat, COSTS.promptTokens(null, chat, "gpt-4o"), step.target()).usd()).isLessThanOrEqualTo(0.001);
        }
        GatewayException tooLow = catchThrowableOfType(GatewayException.class,
                () -> plan(config, chat, Map.of("X-Tollgate-Budget-Usd", "0.0000001"), Set.of()));
        assertThat(tooLow.status()).isEqualTo(400);
        assertThat(tooLow.code()).isEqualTo("cost_ceiling_exceeded");
        assertThat(tooLow.getMessage()).contains("gpt-4o-mini: predicted $").contains("> ceiling $0.000000");
    }

    @Test
    void allowedModels_ofTheKey_areRespected() {
        RoutePlan plan = plan(candidates(ALL, Map.of()), text("hi"), Map.of(), Set.of("gpt-4o", "claude-sonnet-4-5"));

        assertThat(models(plan)).containsExactly("gpt-4o", "claude-sonnet-4-5");
        assertThat(plan.reason()).contains("gpt-4o-mini: not allowed for this key");
        GatewayException none = catchThrowableOfType(GatewayException.class,
                () -> plan(candidates(ALL, Map.of()), text("hi"), Map.of(), Set.of("gpt-5")));
        assertThat(none.code()).isEqualTo("no_model_fits");
        assertThat(none.status()).isEqualTo(400);
    }

    @Test
    void perOrgCandidates_replaceTheGlobalOnes() {
        AutopilotConfig config = new AutopilotConfig(new AutopilotConfig.Settings(ALL, "balanced"),
                Map.of("acme", new AutopilotConfig.Settings(List.of("claude-sonnet-4-5", "gpt-4o"), "quality")), Map.of());

        RoutePlan plan = plan(config, text("hi"), Map.of(), Set.of());

        assertThat(models(plan)).containsExactly("gpt-4o", "claude-sonnet-4-5");
        assertThat(asked).containsExactly(QualityPreference.Level.QUALITY);
    }

    @Test
    void guidedPreferences_moveTheOperatingPoint() {
        AutopilotRouting routing = routing(candidates(ALL, Map.of()));

        plan(routing, text("hi"), Map.of(), Set.of());
        plan(routing, text("hi"), Map.of("X-Tollgate-Quality-Preference", "quality"), Set.of());
        plan(routing, text("hi"), Map.of("X-Tollgate-Quality-Preference", "quality", "X-Tollgate-Latency-Preference", "low"), Set.of());
        plan(routing, text("hi"), Map.of("X-Tollgate-Quality-Preference", "0.9", "X-Tollgate-Latency-Preference", "low"), Set.of());

        assertThat(asked).hasSize(4);
        assertThat(asked.subList(0, 3)).containsExactly(QualityPreference.Level.BALANCED, QualityPreference.Level.QUALITY,
                QualityPreference.Level.BALANCED);
        assertThat(((QualityPreference.Target) asked.get(3)).pgr()).isCloseTo(0.7, org.assertj.core.data.Offset.offset(1e-9));
        GatewayException bad = catchThrowableOfType(GatewayException.class,
                () -> plan(routing, text("hi"), Map.of("X-Tollgate-Latency-Preference", "fast"), Set.of()));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.param()).isEqualTo("X-Tollgate-Latency-Preference");
        assertThat(bad.getMessage()).contains("expected: low or normal");
    }

    @Test
    void singleCandidate_isTheDefaultModel() {
        RoutePlan plan = plan(candidates(List.of(), Map.of()), text("hi"), Map.of(), Set.of());

        assertThat(plan.reason()).isEqualTo("autopilot: default model gpt-4o-mini");
    }

    @Test
    void aCandidateWhoseDeploymentsAreAllOpen_isLeftOut_unlessEveryOneIs() {
        AutopilotRouting routing = routing(candidates(ALL, Map.of()));
        RoutePlan before = plan(routing, text("hi"), Map.of(), Set.of());
        String cheapest = before.model();

        observer.circuitChanged(before.steps().getFirst().target(), dev.tollgate.pipeline.CircuitState.OPEN);
        RoutePlan after = plan(routing, text("hi"), Map.of(), Set.of());

        assertThat(after.model()).isNotEqualTo(cheapest);
        assertThat(models(after)).doesNotContain(cheapest);
        assertThat(after.reason()).contains(cheapest + ": circuit open");

        for (String model : ALL) {
            String provider = model.startsWith("claude") ? "anthropic" : "openai";
            observer.circuitChanged(new dev.tollgate.provider.Deployment(provider(provider, ProviderKind.OPENAI, "*"), model, null),
                    dev.tollgate.pipeline.CircuitState.OPEN);
        }
        assertThat(plan(routing, text("hi"), Map.of(), Set.of()).model()).as("all open: the plan is as if none were").isEqualTo(cheapest);
    }

    private static UsageEvent event(String provider, String model, long latencyMs) {
        return new UsageEvent("e", Instant.EPOCH, "r", "acme", "k", null, null, "chat", "proxy", provider, model,
                new Usage(10, 10, 0, 0, false), 0, true, 0, latencyMs, -1, 200, null, false, 1, "miss", "x");
    }
}
