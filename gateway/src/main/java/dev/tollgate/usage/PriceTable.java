package dev.tollgate.usage;

import dev.tollgate.config.ProviderKind;
import dev.tollgate.model.Usage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Model prices and context windows in the format of LiteLLM's community price map (US dollars per
 * token). The copy shipped in the jar is the default (see {@code NOTICE.md} beside it); a newer copy can
 * replace it ({@code pricing.file}), and single prices can be overridden ({@code pricing.overrides}).
 *
 * <p>Lookup order for a call of {@code model} on provider {@code name} of kind {@code kind}: an override
 * for {@code name/model}, an override for {@code model}, then (local providers cost nothing unless
 * overridden) the table's {@code model}, {@code name/model} and {@code kind/model}. The simulated
 * provider is priced like the model it pretends to be when the table knows that name, else it is free.
 * Any other model with no price is never silently free: its cost is reported unknown, and a warning is
 * logged once per model.
 *
 * <p>Cost = uncached input × input price + cache reads × cache-read price + cache writes × cache-write
 * price + non-reasoning output × output price + reasoning tokens × reasoning price (the output price
 * unless the table sets {@code output_cost_per_reasoning_token}).
 */
public final class PriceTable {

    private static final Logger LOG = LoggerFactory.getLogger(PriceTable.class);
    private static final String RESOURCE = "/dev/tollgate/usage/prices/model_prices_and_context_window.json";

    /**
     * Prices of one model, per token. Absent cache and reasoning prices fall back to the input / output price.
     * The {@code supports*} flags are the map's {@code supports_function_calling}, {@code supports_vision} and
     * {@code supports_response_schema} (JSON mode); absent means unsupported.
     */
    public record ModelPrice(String model, String provider, String mode, double input, double output,
                             double cacheRead, double cacheCreation, double reasoning, int maxInputTokens, int maxOutputTokens,
                             boolean supportsTools, boolean supportsVision, boolean supportsJson) {
    }

    /** A call's cost; {@code known} is false when the model has no price. */
    public record Cost(double usd, boolean known) {
        public static final Cost NONE = new Cost(0, false);
        static final Cost FREE = new Cost(0, true);
    }

    private final Map<String, ModelPrice> prices;
    private final Map<String, ModelPrice> overrides;
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    private PriceTable(Map<String, ModelPrice> prices, Map<String, ModelPrice> overrides) {
        this.prices = Map.copyOf(prices);
        this.overrides = Map.copyOf(overrides);
    }

    /** The price map shipped with Tollgate. */
    public static PriceTable bundled(JsonMapper json) {
        try (InputStream in = PriceTable.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the bundled price map is missing from the jar: " + RESOURCE);
            }
            return parse(json.readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the bundled price map", e);
        }
    }

    /** The configured table: {@code file} (a newer copy of the map) or the bundled one, with {@code overrides}. */
    public static PriceTable load(JsonMapper json, Optional<Path> file, Map<String, PriceOverride> overrides) {
        PriceTable base;
        if (file.isPresent()) {
            try {
                base = parse(json.readTree(Files.readAllBytes(file.get())));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the price file " + file.get(), e);
            } catch (tools.jackson.core.JacksonException e) {
                throw new IllegalArgumentException("the price file " + file.get() + " is not valid JSON: " + e.getOriginalMessage());
            }
        } else {
            base = bundled(json);
        }
        return base.withOverrides(overrides);
    }

    /** A price set in configuration; unset fields keep the table's value for that model (or 0). */
    public record PriceOverride(Double input, Double output, Double cacheRead, Double cacheWrite, Double reasoning) {
    }

    PriceTable withOverrides(Map<String, PriceOverride> given) {
        Map<String, ModelPrice> out = new HashMap<>();
        given.forEach((name, o) -> {
            ModelPrice base = prices.get(name.substring(name.indexOf('/') + 1));
            base = prices.getOrDefault(name, base);
            double in = pick(o.input(), base == null ? 0 : base.input());
            double output = pick(o.output(), base == null ? 0 : base.output());
            out.put(name, new ModelPrice(name, "override", base == null ? "chat" : base.mode(), in, output,
                    pick(o.cacheRead(), base == null ? in : base.cacheRead()),
                    pick(o.cacheWrite(), base == null ? in : base.cacheCreation()),
                    pick(o.reasoning(), base == null ? output : base.reasoning()),
                    base == null ? 0 : base.maxInputTokens(), base == null ? 0 : base.maxOutputTokens(),
                    base != null && base.supportsTools(), base != null && base.supportsVision(), base != null && base.supportsJson()));
        });
        return new PriceTable(prices, out);
    }

    private static double pick(Double set, double fallback) {
        return set == null ? fallback : set;
    }

    static PriceTable parse(JsonNode root) {
        Map<String, ModelPrice> out = new HashMap<>();
        for (var entry : root.properties()) {
            JsonNode m = entry.getValue();
            if (!m.isObject() || !m.has("input_cost_per_token")) {
                continue;
            }
            double input = m.path("input_cost_per_token").asDouble(0);
            double output = m.path("output_cost_per_token").asDouble(0);
            out.put(entry.getKey(), new ModelPrice(entry.getKey(), m.path("litellm_provider").asString(""),
                    m.path("mode").asString(""), input, output,
                    m.path("cache_read_input_token_cost").asDouble(input),
                    m.path("cache_creation_input_token_cost").asDouble(input),
                    m.path("output_cost_per_reasoning_token").asDouble(output),
                    m.path("max_input_tokens").asInt(0), m.path("max_output_tokens").asInt(0),
                    m.path("supports_function_calling").asBoolean(false), m.path("supports_vision").asBoolean(false),
                    m.path("supports_response_schema").asBoolean(false)));
        }
        return new PriceTable(out, Map.of());
    }

    /** The table's price of {@code model} as served by a provider of {@code kind}: exact name, then {@code kind/model}. */
    public Optional<ModelPrice> find(ProviderKind kind, String model) {
        return find(kind, null, model);
    }

    private Optional<ModelPrice> find(ProviderKind kind, String providerName, String model) {
        ModelPrice exact = prices.get(model);
        if (kind != null && exact != null && !servedBy(exact, kind)) {
            // LiteLLM lists some names twice: gemini-2.5-flash under Vertex AI, gemini/gemini-2.5-flash under
            // Google AI Studio. The entry of the provider's own kind wins when the table has one.
            ModelPrice own = prices.get(kind.priceNamespace() + "/" + model);
            exact = own != null ? own : exact;
        }
        if (exact == null && providerName != null) {
            exact = prices.get(providerName + "/" + model);
        }
        if (exact == null && kind != null) {
            exact = prices.get(kind.priceNamespace() + "/" + model);
        }
        return Optional.ofNullable(exact);
    }

    /**
     * The price entry a call of {@code model} on provider {@code providerName} is billed by, in {@link #cost}'s
     * lookup order: an override, then the table (empty for a model without a price).
     */
    public Optional<ModelPrice> priceOf(ProviderKind kind, String providerName, String model) {
        ModelPrice override = providerName == null ? null : overrides.get(providerName + "/" + model);
        if (override == null) {
            override = overrides.get(model);
        }
        return override != null ? Optional.of(override) : find(kind, providerName, model);
    }

    public Cost cost(ProviderKind kind, String model, Usage usage) {
        return cost(kind, null, model, usage);
    }

    /**
     * The cost of one call.
     *
     * @param kind         the provider's kind, or {@code null} when unknown (SDK-reported calls of other providers)
     * @param providerName the provider's configured or reported name, or {@code null}
     */
    public Cost cost(ProviderKind kind, String providerName, String model, Usage usage) {
        ModelPrice override = providerName == null ? null : overrides.get(providerName + "/" + model);
        if (override == null) {
            override = overrides.get(model);
        }
        if (override != null) {
            return new Cost(usd(override, usage), true);
        }
        if (kind != null && kind.pricing() == ProviderKind.Pricing.FREE) {
            return Cost.FREE;
        }
        Optional<ModelPrice> price = find(kind, providerName, model);
        if (price.isEmpty()) {
            if (kind != null && kind.pricing() == ProviderKind.Pricing.LIKE_NAMED_MODEL) {
                return Cost.FREE;
            }
            if (warned.add(providerName + "/" + model)) {
                LOG.warn("no price for model {} (provider {}): its calls are recorded with an unknown cost; "
                        + "set one under pricing.overrides", model, providerName == null ? kind : providerName);
            }
            return Cost.NONE;
        }
        return new Cost(usd(price.get(), usage), true);
    }

    private static double usd(ModelPrice p, Usage u) {
        long uncached = Math.max(0, u.inputTokens() - u.cachedTokens() - u.cacheWriteTokens());
        long plainOutput = Math.max(0, u.outputTokens() - u.reasoningTokens());
        return uncached * p.input() + u.cachedTokens() * p.cacheRead() + u.cacheWriteTokens() * p.cacheCreation()
                + plainOutput * p.output() + u.reasoningTokens() * p.reasoning();
    }

    private static boolean servedBy(ModelPrice price, ProviderKind kind) {
        return price.provider().equals(kind.priceNamespace());
    }

    /**
     * Chat and embedding models of a provider kind ({@code litellm_provider}), for listing: bare names,
     * and {@code provider/name} entries listed by their bare name; a kind listed under several of the
     * map's providers ({@link ProviderKind#listedUnder}: Gemini under Vertex AI too) gets all of them.
     */
    public List<String> modelsOf(String provider) {
        Set<String> providers = ProviderKind.byName(provider).map(k -> Set.copyOf(k.listedUnder())).orElse(Set.of(provider));
        java.util.TreeSet<String> out = new java.util.TreeSet<>();
        for (ModelPrice p : prices.values()) {
            if (!providers.contains(p.provider()) || !(p.mode().equals("chat") || p.mode().equals("embedding"))) {
                continue;
            }
            String name = p.model().startsWith(provider + "/") ? p.model().substring(provider.length() + 1) : p.model();
            if (!name.contains("/")) {
                out.add(name);
            }
        }
        return new ArrayList<>(out);
    }
}
