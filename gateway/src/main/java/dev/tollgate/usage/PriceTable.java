package dev.tollgate.usage;

import dev.tollgate.config.ProviderKind;
import dev.tollgate.model.Usage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
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
 * token). The copy shipped in the jar is the default (see {@code NOTICE.md} beside it).
 *
 * <p>Local providers (Ollama, vLLM, LM Studio) cost nothing. The simulated provider is priced like the
 * model it pretends to be when the table knows that name (so the demo shows realistic spend), else it
 * is free. Any other model with no price is never silently free: its cost is reported unknown, and a
 * warning is logged once per model.
 */
public final class PriceTable {

    private static final Logger LOG = LoggerFactory.getLogger(PriceTable.class);
    private static final String RESOURCE = "/dev/tollgate/usage/prices/model_prices_and_context_window.json";
    private static final Set<ProviderKind> LOCAL = Set.of(ProviderKind.OLLAMA, ProviderKind.VLLM, ProviderKind.LMSTUDIO);

    /** Prices of one model, per token. Absent cache prices fall back to the input price. */
    public record ModelPrice(String model, String provider, String mode, double input, double output,
                             double cacheRead, double cacheCreation, int maxInputTokens, int maxOutputTokens) {
    }

    /** A call's cost; {@code known} is false when the model has no price. */
    public record Cost(double usd, boolean known) {
        public static final Cost NONE = new Cost(0, false);
        static final Cost FREE = new Cost(0, true);
    }

    private final Map<String, ModelPrice> prices;
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    private PriceTable(Map<String, ModelPrice> prices) {
        this.prices = Map.copyOf(prices);
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

    static PriceTable parse(JsonNode root) {
        Map<String, ModelPrice> out = new HashMap<>();
        for (var entry : root.properties()) {
            JsonNode m = entry.getValue();
            if (!m.isObject() || !m.has("input_cost_per_token")) {
                continue;
            }
            double input = m.path("input_cost_per_token").asDouble(0);
            out.put(entry.getKey(), new ModelPrice(entry.getKey(), m.path("litellm_provider").asString(""),
                    m.path("mode").asString(""), input, m.path("output_cost_per_token").asDouble(0),
                    m.path("cache_read_input_token_cost").asDouble(input),
                    m.path("cache_creation_input_token_cost").asDouble(input),
                    m.path("max_input_tokens").asInt(0), m.path("max_output_tokens").asInt(0)));
        }
        return new PriceTable(out);
    }

    /** The price of {@code model} as served by a provider of {@code kind}: exact name, then {@code provider/model}. */
    public Optional<ModelPrice> find(ProviderKind kind, String model) {
        ModelPrice exact = prices.get(model);
        if (exact != null) {
            return Optional.of(exact);
        }
        return Optional.ofNullable(prices.get(kind.configName() + "/" + model));
    }

    public Cost cost(ProviderKind kind, String model, Usage usage) {
        if (LOCAL.contains(kind)) {
            return Cost.FREE;
        }
        Optional<ModelPrice> price = find(kind, model);
        if (price.isEmpty()) {
            if (kind == ProviderKind.SIMULATED) {
                return Cost.FREE;
            }
            if (warned.add(kind + "/" + model)) {
                LOG.warn("no price for model {} (provider kind {}): its calls are recorded with an unknown cost", model, kind.configName());
            }
            return Cost.NONE;
        }
        ModelPrice p = price.get();
        long uncached = Math.max(0, usage.inputTokens() - usage.cachedTokens());
        double usd = uncached * p.input() + usage.cachedTokens() * p.cacheRead() + usage.outputTokens() * p.output();
        return new Cost(usd, true);
    }

    /** Chat and embedding models of a provider ({@code litellm_provider}), for listing. */
    public List<String> modelsOf(String provider) {
        List<String> out = new ArrayList<>();
        for (ModelPrice p : prices.values()) {
            if (p.provider().equals(provider) && (p.mode().equals("chat") || p.mode().equals("embedding"))
                    && !p.model().contains("/")) {
                out.add(p.model());
            }
        }
        out.sort(null);
        return out;
    }
}
