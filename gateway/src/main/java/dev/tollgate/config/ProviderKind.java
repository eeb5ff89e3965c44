package dev.tollgate.config;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The upstream protocols Tollgate knows: one row per kind, and every per-kind fact in this one table, so
 * no other class switches over kinds. Configuration is parsed below the providers, so the facts the
 * binder needs (name, defaults) and the ones pricing and budgets need live here; the adapter of each
 * kind comes from the provider factory of its package ({@code provider.*.XxxProviderFactory}). OpenAI,
 * Ollama, vLLM and LM Studio all speak the OpenAI wire format and are configuration of one adapter.
 *
 * <p>A new kind is one row here, its provider package, and one line in the factory list ({@code Providers}).
 */
public enum ProviderKind {
    // base URL, prefix (null: the provider's name + "/"), model patterns, default model, pricing,
    // max_tokens the adapter sends when the client gives none (-1: none sent)
    OPENAI("https://api.openai.com/v1", "", List.of("gpt-*", "o1*", "o3*", "o4*", "chatgpt-*", "text-embedding-*", "codex-*"),
            "gpt-4o-mini", Pricing.PRICE_MAP, -1),
    OPENAI_COMPATIBLE(null, null, List.of("*"), "", Pricing.PRICE_MAP, -1),
    OLLAMA("http://localhost:11434/v1", "ollama/", List.of("*"), "", Pricing.FREE, -1),
    VLLM("http://localhost:8000/v1", "vllm/", List.of("*"), "", Pricing.FREE, -1),
    LMSTUDIO("http://localhost:1234/v1", "lmstudio/", List.of("*"), "", Pricing.FREE, -1),
    ANTHROPIC("https://api.anthropic.com", "", List.of("claude-*"), "claude-haiku-4-5", Pricing.PRICE_MAP, 4_096),
    GEMINI("https://generativelanguage.googleapis.com/v1beta", "", List.of("gemini-*"), "gemini-2.5-flash", Pricing.PRICE_MAP, -1),
    SIMULATED(null, "", List.of("*"), "tollgate-sim", Pricing.LIKE_NAMED_MODEL, -1);

    /** How calls of a kind are priced (see {@code usage.PriceTable}); overrides in configuration always win. */
    public enum Pricing {
        /** From the price map: the model's own entry, else {@code provider/model}, else {@code kind/model}. */
        PRICE_MAP,
        /** A local server: free unless overridden. */
        FREE,
        /** The simulator: priced like the model it pretends to be when the map knows it, else free. */
        LIKE_NAMED_MODEL
    }

    private final String defaultBaseUrl;
    private final String defaultPrefix;
    private final List<String> defaultModels;
    private final String defaultModel;
    private final Pricing pricing;
    private final int defaultMaxTokens;

    ProviderKind(String defaultBaseUrl, String defaultPrefix, List<String> defaultModels, String defaultModel, Pricing pricing,
                 int defaultMaxTokens) {
        this.defaultBaseUrl = defaultBaseUrl;
        this.defaultPrefix = defaultPrefix;
        this.defaultModels = defaultModels;
        this.defaultModel = defaultModel;
        this.pricing = pricing;
        this.defaultMaxTokens = defaultMaxTokens;
    }

    /** The base URL used when the config names none; {@code null} when one is required (or, simulated, none is used). */
    public String defaultBaseUrl() {
        return defaultBaseUrl;
    }

    /** Whether a provider of this kind must be given a {@code base_url}. */
    public boolean needsBaseUrl() {
        return defaultBaseUrl == null && this != SIMULATED;
    }

    /** The model-name prefix that routes to this provider; {@code null} means "the provider's name + /". */
    public String defaultPrefix() {
        return defaultPrefix;
    }

    public List<String> defaultModels() {
        return defaultModels;
    }

    /**
     * The model a gateway whose first provider is of this kind uses when the configuration names none and
     * the provider lists no literal model; empty for local servers, whose models Tollgate cannot know.
     */
    public String defaultModel() {
        return defaultModel;
    }

    public Pricing pricing() {
        return pricing;
    }

    /** The name prices are filed under in the price map ({@code litellm_provider}, and the {@code kind/model} key prefix). */
    public String priceNamespace() {
        return configName();
    }

    /**
     * The price map's provider names whose models this kind lists in {@code /v1/models}: Gemini's models
     * are listed by LiteLLM under Vertex AI too.
     */
    public List<String> listedUnder() {
        return this == GEMINI ? List.of(priceNamespace(), "vertex_ai-language-models") : List.of(priceNamespace());
    }

    /**
     * The {@code max_tokens} this kind's adapter sends when the client gave none (Anthropic requires the
     * field), which caps what a call can produce; empty when the upstream decides.
     */
    public OptionalInt defaultMaxTokens() {
        return defaultMaxTokens < 0 ? OptionalInt.empty() : OptionalInt.of(defaultMaxTokens);
    }

    /**
     * The least a deployment of this kind is assumed to bill per prompt token Tollgate counts (Tollgate
     * counts with OpenAI's tokenizers): 1 for OpenAI, more for upstreams whose tokenizers count more.
     * Budgets reserve the prompt at this ratio or the one learned from billed calls, whichever is higher.
     */
    public double promptTokenRatio() {
        return switch (this) {
            case OPENAI, SIMULATED -> 1.0;
            case ANTHROPIC, GEMINI, OPENAI_COMPATIBLE, OLLAMA, VLLM, LMSTUDIO -> 1.3;
        };
    }

    public boolean speaksOpenAi() {
        return this != SIMULATED && this != ANTHROPIC && this != GEMINI;
    }

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The kind written as in configuration ({@code openai}, {@code openai-compatible}), if it is one. */
    public static Optional<ProviderKind> byName(String name) {
        String wanted = name.strip().toLowerCase(Locale.ROOT).replace('-', '_');
        for (ProviderKind kind : values()) {
            if (kind.configName().equals(wanted)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }

    static String choices() {
        StringBuilder out = new StringBuilder();
        for (ProviderKind kind : values()) {
            out.append(out.isEmpty() ? "" : ", ").append(kind.configName());
        }
        return out.toString();
    }
}
