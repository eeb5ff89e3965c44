package dev.tollgate.policy.routing;

import dev.tollgate.config.AutopilotConfig;
import dev.tollgate.model.CanonicalRequest;
import dev.tollgate.model.ChatRequest;
import dev.tollgate.model.ContentPart;
import dev.tollgate.model.Message;
import dev.tollgate.model.Principal;
import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.pipeline.RequestContext;
import dev.tollgate.pipeline.RoutePlan;
import dev.tollgate.pipeline.RouteStep;
import dev.tollgate.policy.routing.learned.QualityPreference;
import dev.tollgate.policy.routing.learned.QualityTier;
import dev.tollgate.policy.routing.learned.RouteChoice;
import dev.tollgate.provider.Deployment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Autopilot: {@code auto}, {@code tollgate} or no model goes to the cheapest candidate that fits the call and
 * is good enough for its prompt.
 *
 * <ol>
 *   <li>Candidates: {@code autopilot.orgs.<org>.models}, else {@code autopilot.models}, else the concrete models
 *       the providers list (with the default model); a single candidate is the default model's plan
 *       ({@link DefaultModelRouting}: nothing to choose).</li>
 *   <li>Filter, each exclusion with its reason: the key's allowed models; served by a provider; tools, images and
 *       JSON mode when the request uses them; OpenAI's built-in tools (a deployment that passes the Responses API
 *       through); the context window (prompt estimate + {@code max_tokens});
 *       the latency budget (observed p95 total, when observed); the cost ceiling (predicted worst case).</li>
 *   <li>Choose: the learned router ({@link PromptJudge}) decides at the operating point ({@code autopilot.quality}, moved by
 *       {@link CallPreferences}) whether the prompt needs the strong tier; a weak prompt gets the cheapest fitting
 *       candidate, a strong one the cheapest fitting candidate of the strong tier (the strongest fitting one when
 *       none is strong). Cheapest: the prompt estimate and {@code max_tokens} (else {@value #TYPICAL_OUTPUT}
 *       tokens) at the model's prices; candidates without a price come last.</li>
 *   <li>Availability: a candidate whose every deployment has an open circuit is left out (unless all are), and
 *       open deployments go last.</li>
 *   <li>Plan: the chosen model's deployments, then the other fitting candidates by price (a larger window is
 *       there only when it fits, so an oversize prompt falls over to it).</li>
 * </ol>
 * Refuses with 400 {@code cost_ceiling_exceeded} when only the ceiling left nothing, 400 {@code no_model_fits}
 * naming each candidate's reason otherwise. The strongest fitting candidate is the call's routing-free target
 * ({@link RequestContext#routingFree}): the ledger prices the call's usage there to record what routing saved.
 */
public final class AutopilotRouting implements RoutingStrategy {

    /** Which tier a prompt needs at an operating point: the learned router ({@code PromptRouter::decide}). */
    @FunctionalInterface
    public interface PromptJudge {
        RouteChoice decide(ChatRequest request, QualityPreference preference);
    }

    /** Output assumed for ranking by price when the request sets no {@code max_tokens} (the ceiling uses the worst case). */
    static final long TYPICAL_OUTPUT = 1_024;

    private record Candidate(ModelProfile profile, double predictedUsd, boolean priced, double rankUsd) {
    }

    private final ModelCatalog catalog;
    private final String defaultModel;
    private final PromptJudge router;
    private final CostPredictor costs;
    private final DefaultModelRouting single;
    private final List<String> defaultCandidates;

    public AutopilotRouting(ModelCatalog catalog, String defaultModel, PromptJudge router, CostPredictor costs) {
        this.catalog = catalog;
        this.defaultModel = defaultModel;
        this.router = router;
        this.costs = costs;
        this.single = new DefaultModelRouting(catalog, defaultModel);
        this.defaultCandidates = defaultCandidates(catalog, defaultModel);
    }

    /** The concrete model names the providers list, with the default model (its targets, when an alias). */
    public static List<String> defaultCandidates(ModelCatalog catalog, String defaultModel) {
        Set<String> out = new LinkedHashSet<>();
        if (!defaultModel.isEmpty()) {
            out.addAll(catalog.targets(defaultModel));
        }
        for (var p : catalog.providers()) {
            p.models().stream().filter(m -> !m.contains("*")).forEach(m -> out.add(p.prefix() + m));
        }
        return List.copyOf(out);
    }

    @Override
    public RoutePlan plan(RequestContext ctx, String asked) {
        Principal principal = ctx.principal().orElseThrow(() -> new IllegalStateException("auth must run before routing"));
        CanonicalRequest request = ctx.request().orElseThrow(() -> new IllegalStateException("limits must run before routing"));
        AutopilotConfig.Settings settings = catalog.autopilotConfig().forOrg(principal.orgId());
        List<String> names = candidates(settings);
        if (names.size() <= 1 || !(request instanceof ChatRequest chat)) {
            return single.plan(ctx, asked);
        }
        CallPreferences prefs = CallPreferences.of(ctx.inbound());
        long prompt = promptTokens(ctx, chat, names.getFirst());
        List<Candidate> fitting = new ArrayList<>();
        Map<String, String> excluded = new java.util.LinkedHashMap<>();
        boolean ceilingExcluded = false;
        for (String name : names) {
            ModelProfile profile = catalog.profile(name);
            String why = unfit(principal, chat, profile, prompt, prefs);
            Candidate c = why == null ? priced(chat, profile, prompt) : null;
            if (why == null && prefs.costCeilingUsd().isPresent() && c.priced() && c.predictedUsd() > prefs.costCeilingUsd().getAsDouble()) {
                why = String.format(Locale.ROOT, "predicted $%.6f > ceiling $%.6f", c.predictedUsd(), prefs.costCeilingUsd().getAsDouble());
                ceilingExcluded = true;
            }
            if (why == null) {
                fitting.add(c);
            } else {
                excluded.put(name, why);
            }
        }
        if (fitting.isEmpty()) {
            throw nothingFits(excluded, ceilingExcluded);
        }
        fitting = available(fitting, excluded);
        fitting.sort(Comparator.comparing((Candidate c) -> !c.priced()).thenComparingDouble(Candidate::rankUsd)
                .thenComparing(c -> -c.profile().quality()));
        QualityPreference point = prefs.operatingPoint(quality(settings));
        RouteChoice choice = router.decide(chat, point);
        Candidate chosen = choose(fitting, choice.tier());
        Candidate strongest = fitting.stream().max(Comparator.comparingDouble((Candidate c) -> c.profile().quality())
                .thenComparingDouble(c -> -c.rankUsd())).orElseThrow();
        ctx.routingFree(strongest.profile().deployments().getFirst().deployment());
        return plan(chosen, fitting, reason(chosen, fitting, excluded, choice));
    }

    /**
     * The fitting candidates with a deployment whose circuit is not open, the others named in {@code excluded}; all of
     * them when every one is open (the circuit breakers then answer, or a probe goes through).
     */
    private static List<Candidate> available(List<Candidate> fitting, Map<String, String> excluded) {
        List<Candidate> up = new ArrayList<>(fitting.size());
        for (Candidate c : fitting) {
            if (c.profile().deployments().stream().anyMatch(d -> d.circuit() != dev.tollgate.pipeline.CircuitState.OPEN)) {
                up.add(c);
            }
        }
        if (up.isEmpty() || up.size() == fitting.size()) {
            return fitting;
        }
        fitting.stream().filter(c -> !up.contains(c)).forEach(c -> excluded.put(c.profile().model(), "circuit open"));
        return up;
    }

    private List<String> candidates(AutopilotConfig.Settings settings) {
        return settings.models().isEmpty() ? defaultCandidates : candidates(catalog, settings);
    }

    /** The configured candidates of {@code settings}, aliases expanded (the settings must name some). */
    public static List<String> candidates(ModelCatalog catalog, AutopilotConfig.Settings settings) {
        Set<String> out = new LinkedHashSet<>();
        settings.models().forEach(m -> out.addAll(catalog.targets(m)));
        return List.copyOf(out);
    }

    private static QualityPreference quality(AutopilotConfig.Settings settings) {
        return QualityPreference.parse(settings.quality());
    }

    private long promptTokens(RequestContext ctx, ChatRequest chat, String model) {
        if (ctx.promptTokensEstimate() >= 0) {
            return ctx.promptTokensEstimate();
        }
        long counted = costs.promptTokens(ctx.orgId(), chat, model);
        ctx.promptTokensEstimate((int) Math.min(Integer.MAX_VALUE, counted));
        return counted;
    }

    /** Why {@code profile} cannot take this call, or {@code null} when it can (the ceiling is checked by the caller). */
    private String unfit(Principal principal, ChatRequest chat, ModelProfile profile, long prompt, CallPreferences prefs) {
        if (!principal.mayUse(profile.model())) {
            return "not allowed for this key";
        }
        if (profile.deployments().isEmpty()) {
            return "not served by any provider";
        }
        ModelProfile.Capabilities can = profile.capabilities();
        if (!chat.tools().isEmpty() && !can.tools()) {
            return "no tool calls";
        }
        if (usesImages(chat) && !can.vision()) {
            return "no image input";
        }
        if (usesJsonMode(chat) && !can.json()) {
            return "no JSON mode";
        }
        if (chat.passthroughOnly().isPresent()
                && profile.deployments().stream().noneMatch(d -> d.deployment().provider().responsesPassthrough())) {
            return "no Responses passthrough for OpenAI's built-in tools";
        }
        long output = chat.maxTokens().orElse(0);
        if (!profile.fits(prompt, output)) {
            return "context " + profile.contextWindow() + " < " + (prompt + output) + " tokens";
        }
        if (prefs.latencyBudgetMs().isPresent() && profile.latency().known()
                && profile.latency().totalP95() > prefs.latencyBudgetMs().getAsLong()) {
            return "p95 " + profile.latency().totalP95() + " ms > budget " + prefs.latencyBudgetMs().getAsLong() + " ms";
        }
        return null;
    }

    private Candidate priced(ChatRequest chat, ModelProfile profile, long prompt) {
        var cost = costs.worstCase(chat, prompt, profile.deployments().getFirst().deployment());
        long output = chat.maxTokens().map(Integer::longValue).orElse(TYPICAL_OUTPUT);
        return new Candidate(profile, cost.usd(), cost.known(), prompt * profile.inputPerToken() + output * profile.outputPerToken());
    }

    static boolean usesImages(ChatRequest chat) {
        for (Message m : chat.messages()) {
            for (ContentPart part : m.content()) {
                if (part instanceof ContentPart.Image) {
                    return true;
                }
            }
        }
        return false;
    }

    static boolean usesJsonMode(ChatRequest chat) {
        String type = chat.body().path("response_format").path("type").asString("");
        return type.equals("json_object") || type.equals("json_schema");
    }

    /** Fitting is sorted by price: the cheapest, or for a strong prompt the cheapest strong one, else the strongest. */
    private static Candidate choose(List<Candidate> fitting, QualityTier tier) {
        if (tier == QualityTier.WEAK) {
            return fitting.getFirst();
        }
        return fitting.stream().filter(c -> c.profile().strong()).findFirst()
                .orElseGet(() -> fitting.stream().max(Comparator.comparingDouble(c -> c.profile().quality())).orElseThrow());
    }

    private static RoutePlan plan(Candidate chosen, List<Candidate> fitting, String reason) {
        List<RouteStep> steps = new ArrayList<>();
        String model = chosen.profile().model();
        for (ModelProfile.DeploymentHealth d : byAvailability(chosen.profile().deployments())) {
            steps.add(RouteStep.of(d.deployment(), steps.isEmpty() ? reason
                    : "autopilot fallback: " + d.deployment().providerName() + " serves " + model));
        }
        for (Candidate c : fitting) {
            if (c != chosen) {
                for (ModelProfile.DeploymentHealth d : byAvailability(c.profile().deployments())) {
                    steps.add(RouteStep.of(d.deployment(), "autopilot fallback: " + d.deployment().providerName() + " serves " + c.profile().model()));
                }
            }
        }
        return new RoutePlan(model, steps);
    }

    /** A model's deployments with the open ones last (stable: otherwise in configuration order). */
    private static List<ModelProfile.DeploymentHealth> byAvailability(List<ModelProfile.DeploymentHealth> deployments) {
        List<ModelProfile.DeploymentHealth> out = new ArrayList<>(deployments);
        out.sort(Comparator.comparing((ModelProfile.DeploymentHealth d) -> d.circuit() == dev.tollgate.pipeline.CircuitState.OPEN));
        return out;
    }

    /** {@code autopilot: gpt-4o-mini (router 0.312 < 0.574 (pgr 0.67): weak; fitting gpt-4o-mini $0.000120, gpt-4o $0.002; left out x: no image input)}. */
    private static String reason(Candidate chosen, List<Candidate> fitting, Map<String, String> excluded, RouteChoice choice) {
        StringBuilder out = new StringBuilder("autopilot: ").append(chosen.profile().model()).append(" (").append(choice.reason())
                .append(choice.tier() == QualityTier.WEAK ? "; cheapest of " : "; cheapest strong of ");
        for (int i = 0; i < fitting.size(); i++) {
            Candidate c = fitting.get(i);
            out.append(i == 0 ? "" : ", ").append(c.profile().model())
                    .append(c.priced() ? String.format(Locale.ROOT, " $%.6f", c.predictedUsd()) : " (no price)");
        }
        String separator = "; left out ";
        for (Map.Entry<String, String> e : excluded.entrySet()) {
            out.append(separator).append(e.getKey()).append(": ").append(e.getValue());
            separator = ", ";
        }
        return out.append(')').toString();
    }

    private static GatewayException nothingFits(Map<String, String> excluded, boolean ceiling) {
        StringBuilder why = new StringBuilder();
        excluded.forEach((name, reason) -> why.append(why.isEmpty() ? "" : "; ").append(name).append(": ").append(reason));
        if (ceiling) {
            return new GatewayException(400, "invalid_request_error", "cost_ceiling_exceeded", CallPreferences.COST_CEILING_HEADER,
                    "no autopilot candidate fits under the cost ceiling (" + why + ")", Map.of());
        }
        return new GatewayException(400, "invalid_request_error", "no_model_fits", "model",
                "no autopilot candidate can take this request (" + why + ")", Map.of());
    }
}
