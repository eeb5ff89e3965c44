package dev.tollgate.policy.routing;

import dev.tollgate.config.AutopilotConfig;
import dev.tollgate.config.ProviderConfig;
import dev.tollgate.config.ProviderKind;
import dev.tollgate.provider.Deployment;
import dev.tollgate.model.Usage;
import dev.tollgate.provider.ProviderAdapter;
import dev.tollgate.usage.PriceTable;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which configured deployments serve a model name. A provider serves a name when it carries the
 * provider's prefix ({@code ollama/llama3} → Ollama's {@code llama3}) or matches one of its model
 * patterns ({@code gpt-*}); providers are tried in configuration order. Each kind brings its own
 * default patterns ({@code gpt-*}, {@code o1*}, … for OpenAI; {@code gemini-*} for Gemini), so a model
 * name picks its provider with no routing code per provider.
 *
 * <p>Aliases ({@code fast: gpt-4o-mini}, or a list to try in order) are names for other model names;
 * {@link #targets} expands them before the names are resolved to deployments.
 *
 * <p>With its {@link Facts} the catalog also describes each model ({@link #profile}): price, limits,
 * capabilities, quality, and each deployment's observed latency and circuit state. The autopilot chooses
 * from these profiles; {@code GET /v1/models} and {@code tollgate config check} show them.
 */
public final class ModelCatalog {

    /**
     * What model profiles are made of.
     *
     * @param prices   the price table (prices, limits, capabilities)
     * @param config   {@code catalog:} (per-model changes) and {@code autopilot:}
     * @param observer each deployment's latency and circuit state
     */
    public record Facts(PriceTable prices, AutopilotConfig config, DeploymentObserver observer) {
    }

    private static final long PER_MILLION = 1_000_000;

    private final List<ProviderConfig> providers;
    private final Map<String, ProviderAdapter> adapters;
    private final Map<String, List<String>> aliases;
    private final Facts facts;

    public ModelCatalog(List<ProviderConfig> providers, Map<String, ProviderAdapter> adapters) {
        this(providers, adapters, Map.of());
    }

    /** @param aliases alias → the model names it stands for, in the order to try them */
    public ModelCatalog(List<ProviderConfig> providers, Map<String, ProviderAdapter> adapters, Map<String, List<String>> aliases) {
        this(providers, adapters, aliases, null);
    }

    /** @param facts what {@link #profile} describes models from; {@code null}: prices and limits unknown */
    public ModelCatalog(List<ProviderConfig> providers, Map<String, ProviderAdapter> adapters, Map<String, List<String>> aliases, Facts facts) {
        this.facts = facts;
        this.providers = List.copyOf(providers);
        this.adapters = Map.copyOf(adapters);
        Map<String, List<String>> copy = new java.util.LinkedHashMap<>();
        aliases.forEach((name, targets) -> copy.put(name, List.copyOf(targets)));
        this.aliases = java.util.Collections.unmodifiableMap(copy);
    }

    /** The model names {@code name} stands for: an alias's targets in order, else the name itself. */
    public List<String> targets(String name) {
        return aliases.getOrDefault(name, List.of(name));
    }

    public boolean isAlias(String name) {
        return aliases.containsKey(name);
    }

    /** Configured aliases, in configuration order. */
    public Map<String, List<String>> aliases() {
        return aliases;
    }

    /** The deployments for {@code model}, in the order to try them; empty when none serves it. */
    public List<Deployment> resolve(String model) {
        List<Deployment> out = new ArrayList<>();
        for (ProviderConfig p : providers) {
            String upstream = p.upstreamName(model);
            if (upstream != null) {
                out.add(new Deployment(p, upstream, adapters.get(p.name())));
            }
        }
        return out;
    }

    static boolean matchesAny(List<String> patterns, String model) {
        return ProviderConfig.matchesAny(patterns, model);
    }

    /** Glob match where {@code *} stands for any run of characters. */
    static boolean matches(String pattern, String text) {
        return ProviderConfig.matches(pattern, text);
    }

    /** Model names to list: explicit names, plus known models matching each provider's patterns. */
    public Set<String> listed(String defaultModel, java.util.function.Function<String, List<String>> knownModelsOf) {
        Set<String> out = new LinkedHashSet<>();
        if (!defaultModel.isEmpty()) {
            out.add(defaultModel);
        }
        for (ProviderConfig p : providers) {
            for (String pattern : p.models()) {
                if (!pattern.contains("*")) {
                    out.add(p.prefix() + pattern);
                }
            }
            for (String known : knownModels(p, knownModelsOf)) {
                if (p.prefix().isEmpty() && matchesAny(p.models(), known)
                        && (p.kind() == ProviderKind.SIMULATED || !p.models().equals(List.of("*")))) {
                    out.add(known);
                }
            }
        }
        return out;
    }

    /**
     * The known models a provider's patterns are matched against: those of its own kind in the price
     * map; the simulator answers any name priced like the model it names, so for it those of every
     * priced kind. A catch-all of another kind is not expanded: its upstream's models are unknown.
     */
    private static List<String> knownModels(ProviderConfig p, java.util.function.Function<String, List<String>> knownModelsOf) {
        if (p.kind() != ProviderKind.SIMULATED) {
            return knownModelsOf.apply(p.kind().configName());
        }
        List<String> out = new java.util.ArrayList<>();
        for (ProviderKind kind : List.of(ProviderKind.OPENAI, ProviderKind.ANTHROPIC, ProviderKind.GEMINI)) {
            out.addAll(knownModelsOf.apply(kind.configName()));
        }
        return out;
    }

    /** The deployment of {@code upstreamModel} on the provider named {@code providerName}, when it is configured. */
    public java.util.Optional<Deployment> deployment(String providerName, String upstreamModel) {
        for (ProviderConfig p : providers) {
            if (p.name().equals(providerName)) {
                return java.util.Optional.of(new Deployment(p, upstreamModel, adapters.get(p.name())));
            }
        }
        return java.util.Optional.empty();
    }

    public List<ProviderConfig> providers() {
        return providers;
    }

    /**
     * What the catalog knows of {@code model} (a model name, not an alias): priced and limited as its first
     * deployment bills it, with {@code catalog.<model>} applied over the price map, and each deployment's health.
     */
    public ModelProfile profile(String model) {
        List<Deployment> deployments = resolve(model);
        AutopilotConfig.ModelTraits traits = facts == null ? AutopilotConfig.ModelTraits.NONE : facts.config().traits(model);
        Optional<PriceTable.ModelPrice> entry = Optional.empty();
        double input = 0;
        double output = 0;
        boolean known = false;
        if (facts != null && !deployments.isEmpty()) {
            Deployment first = deployments.getFirst();
            ProviderKind kind = first.provider().kind();
            entry = facts.prices().priceOf(kind, first.providerName(), first.upstreamModel())
                    .or(() -> facts.prices().find(kind, first.upstreamModel()));
            PriceTable.Cost in = facts.prices().cost(kind, first.providerName(), first.upstreamModel(), new Usage(PER_MILLION, 0, 0, 0, false));
            PriceTable.Cost out = facts.prices().cost(kind, first.providerName(), first.upstreamModel(), new Usage(0, PER_MILLION, 0, 0, false));
            known = in.known() && out.known();
            input = in.usd() / PER_MILLION;
            output = out.usd() / PER_MILLION;
        }
        ModelProfile.Capabilities capabilities = new ModelProfile.Capabilities(
                traits.tools().orElse(entry.map(PriceTable.ModelPrice::supportsTools).orElse(false)),
                traits.vision().orElse(entry.map(PriceTable.ModelPrice::supportsVision).orElse(false)),
                traits.json().orElse(entry.map(PriceTable.ModelPrice::supportsJson).orElse(false)));
        List<ModelProfile.DeploymentHealth> health = new ArrayList<>();
        for (Deployment d : deployments) {
            health.add(facts == null ? new ModelProfile.DeploymentHealth(d, LatencyStats.Summary.NONE, dev.tollgate.pipeline.CircuitState.CLOSED)
                    : new ModelProfile.DeploymentHealth(d, facts.observer().latency(d), facts.observer().circuit(d)));
        }
        return new ModelProfile(model, input, output, known,
                traits.contextWindow().orElse(entry.map(PriceTable.ModelPrice::maxInputTokens).orElse(0)),
                traits.maxOutputTokens().orElse(entry.map(PriceTable.ModelPrice::maxOutputTokens).orElse(0)),
                capabilities, traits.quality().orElseGet(() -> QualityDefaults.of(model)), health);
    }

    /** How deployments behaved lately (latency, circuit state); an empty observer without {@link Facts}. */
    public DeploymentObserver observer() {
        return facts == null ? EMPTY : facts.observer();
    }

    private static final DeploymentObserver EMPTY = new DeploymentObserver();

    /** The autopilot's and catalog's configuration; the defaults without {@link Facts}. */
    public AutopilotConfig autopilotConfig() {
        return facts == null ? AutopilotConfig.DEFAULTS : facts.config();
    }
}
