package dev.tollgate.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/** Binds a parsed configuration tree to {@link TollgateConfig}, collecting every problem with its path. */
final class ConfigBinder {

    private static final Set<String> ROOT_KEYS =
            Set.of("server", "data_dir", "master_key", "default_model", "providers", "pricing", "ledger", "signup", "aliases",
                    "rate_limits", "alerts", "budgets", "budget_settings", "storage", "counters",
                    "metrics", "logging", "cache", "autopilot", "catalog", "routing");
    private static final Set<String> PRICE_KEYS = Set.of("input_cost_per_token", "output_cost_per_token",
            "cache_read_input_token_cost", "cache_creation_input_token_cost", "output_cost_per_reasoning_token");
    private static final Set<String> SERVER_KEYS = Set.of("host", "port", "max_body_bytes", "max_header_bytes", "shutdown_grace_ms");
    private static final Set<String> PROVIDER_KEYS =
            Set.of("name", "kind", "base_url", "api_key", "models", "prefix", "headers", "timeouts", "simulated", "limits",
                    "retries", "circuit_breaker", "weight", "responses_api");
    private static final Set<String> TIMEOUT_KEYS = Set.of("connect_ms", "first_byte_ms", "idle_ms");
    private static final Set<String> SIMULATED_KEYS = Set.of("first_token_ms", "inter_token_ms");

    private static final java.util.regex.Pattern API_VERSION = java.util.regex.Pattern.compile("v\\d+[a-z0-9]*");

    private final List<String> problems = new ArrayList<>();
    private final EnvInterpolator env;

    ConfigBinder(EnvInterpolator env) {
        this.env = env;
    }

    TollgateConfig bind(JsonNode root) {
        if (root != null && root.isMissingNode()) {
            root = null; // an empty (or comments-only) file: all defaults, like an explicit null document
        }
        if (root != null && !root.isNull() && !root.isObject()) {
            throw new ConfigException("(top level): expected a mapping of settings");
        }
        ConfigTree tree = new ConfigTree(root, "", problems, env);
        tree.rejectUnknown(ROOT_KEYS);
        ServerConfig server = server(tree.child("server"));
        Path dataDir = Path.of(tree.string("data_dir", "./data"));
        Optional<Secret> masterKey = Optional.ofNullable(tree.string("master_key", null)).map(Secret::new);
        List<ProviderConfig> providers = providers(tree);
        String defaultModel = tree.string("default_model", null);
        PricingConfig pricing = pricing(tree.child("pricing"));
        ConfigTree ledgerTree = tree.child("ledger");
        ledgerTree.rejectUnknown(Set.of("retention_days", "batch_linger_ms", "response_retention_days"));
        LedgerConfig ledger = new LedgerConfig((int) ledgerTree.number("retention_days", LedgerConfig.DEFAULTS.retentionDays(), 0, 36_500),
                Duration.ofMillis(ledgerTree.number("batch_linger_ms", LedgerConfig.DEFAULTS.batchLinger().toMillis(), 0, 10_000)),
                (int) ledgerTree.number("response_retention_days", LedgerConfig.DEFAULTS.responseRetentionDays(), 0, 36_500));
        ConfigTree signupTree = tree.child("signup");
        signupTree.rejectUnknown(Set.of("enabled", "per_address_per_hour"));
        SignupConfig signup = new SignupConfig(signupTree.bool("enabled", SignupConfig.DEFAULTS.enabled()),
                (int) signupTree.number("per_address_per_hour", SignupConfig.DEFAULTS.perAddressPerHour(), 1, 100_000));
        java.util.Map<String, List<String>> aliases = new AliasBinder(providers).bind(tree.child("aliases"));
        RateLimitsConfig rateLimits = LimitsBinder.rateLimits(tree.child("rate_limits"));
        AlertsConfig alerts = LimitsBinder.alerts(tree.child("alerts"));
        BudgetSettingsConfig budgetSettings = BudgetRuleParser.settings(tree.child("budget_settings"));
        Set<String> providerNames = new HashSet<>();
        providers.forEach(p -> providerNames.add(p.name()));
        List<BudgetRuleConfig> budgets = BudgetRuleParser.rules(tree, problems, budgetSettings.zone(), providerNames);
        StorageConfig storage = StorageBinder.storage(tree.child("storage"));
        CountersConfig counters = StorageBinder.counters(tree.child("counters"));
        ObservabilityConfig observability = observability(tree);
        CacheConfig cache = CacheBinder.cache(tree.child("cache"), counters);
        AutopilotConfig autopilot = new AutopilotBinder(providers, aliases).bind(tree.child("autopilot"), tree.child("catalog"));
        RoutingConfig routing = ResilienceBinder.routing(tree.child("routing"));
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new TollgateConfig(server, dataDir, masterKey, defaultModel == null ? guessDefaultModel(providers) : defaultModel,
                providers, pricing, ledger, signup, aliases, rateLimits, alerts, budgets, budgetSettings, storage, counters, observability, cache, autopilot, routing);
    }

    private static ObservabilityConfig observability(ConfigTree tree) {
        ConfigTree metrics = tree.child("metrics");
        metrics.rejectUnknown(Set.of("require_key"));
        boolean requireKey = metrics.bool("require_key", ObservabilityConfig.DEFAULTS.metricsRequireKey());
        ConfigTree logging = tree.child("logging");
        logging.rejectUnknown(Set.of("format"));
        String format = logging.string("format", ObservabilityConfig.DEFAULTS.logFormat().configName());
        ObservabilityConfig.LogFormat logFormat = switch (format.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "text" -> ObservabilityConfig.LogFormat.TEXT;
            case "json" -> ObservabilityConfig.LogFormat.JSON;
            default -> {
                logging.problem("format", "'" + format + "' (expected: text or json)");
                yield ObservabilityConfig.DEFAULTS.logFormat();
            }
        };
        return new ObservabilityConfig(requireKey, logFormat);
    }

    private static PricingConfig pricing(ConfigTree t) {
        t.rejectUnknown(Set.of("file", "overrides"));
        Optional<Path> file = Optional.ofNullable(t.string("file", null)).map(Path::of);
        if (file.isPresent() && !java.nio.file.Files.isReadable(file.get())) {
            t.problem("file", "'" + file.get() + "' cannot be read (expected: a JSON price map in LiteLLM's format)");
        }
        java.util.Map<String, PricingConfig.PriceOverrideConfig> overrides = new java.util.LinkedHashMap<>();
        ConfigTree models = t.child("overrides");
        for (String model : models.names()) {
            ConfigTree o = models.child(model);
            o.rejectUnknown(PRICE_KEYS);
            overrides.put(model, new PricingConfig.PriceOverrideConfig(o.decimal("input_cost_per_token"),
                    o.decimal("output_cost_per_token"), o.decimal("cache_read_input_token_cost"),
                    o.decimal("cache_creation_input_token_cost"), o.decimal("output_cost_per_reasoning_token")));
        }
        return new PricingConfig(file, overrides);
    }

    private ServerConfig server(ConfigTree t) {
        t.rejectUnknown(SERVER_KEYS);
        return new ServerConfig(
                t.string("host", "0.0.0.0"),
                (int) t.number("port", ServerConfig.DEFAULT_PORT, 0, 65535),
                t.number("max_body_bytes", ServerConfig.DEFAULT_MAX_BODY_BYTES, 1024, 1L << 31),
                (int) t.number("max_header_bytes", ServerConfig.DEFAULT_MAX_HEADER_BYTES, 1024, 1 << 20),
                t.number("shutdown_grace_ms", ServerConfig.DEFAULT_SHUTDOWN_GRACE_MS, 0, 600_000));
    }

    private List<ProviderConfig> providers(ConfigTree root) {
        List<ProviderConfig> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (ConfigTree t : root.list("providers")) {
            ProviderConfig provider = provider(t);
            if (provider == null) {
                continue;
            }
            if (!names.add(provider.name())) {
                t.problem("name", "'" + provider.name() + "' is used by another provider (expected: unique names)");
            }
            out.add(provider);
        }
        if (out.isEmpty() && root.has("providers")) {
            root.problem("providers", "empty (expected: at least one provider, or leave it out to use the simulated provider)");
        }
        if (out.isEmpty()) {
            out.add(ProviderConfig.simulated(SimulatedConfig.DEFAULTS));
        }
        return out;
    }

    private ProviderConfig provider(ConfigTree t) {
        t.rejectUnknown(PROVIDER_KEYS);
        String kindText = t.string("kind", null);
        String name = t.string("name", kindText);
        if (name == null) {
            t.problem("name", "missing (expected: a name such as openai or local)");
            return null;
        }
        if (!name.matches("[A-Za-z0-9_.-]{1,64}")) {
            t.problem("name", "'" + name + "' (expected: letters, digits, '.', '_' or '-')");
        }
        ProviderKind kind = kind(t, kindText == null ? name : kindText);
        if (kind == null) {
            return null;
        }
        URI baseUrl = baseUrl(t, kind);
        Optional<Secret> apiKey = Optional.ofNullable(t.string("api_key", null)).map(Secret::new);
        // An explicit prefix: "" (or null) means none, so an openai_compatible provider can serve plain names.
        String prefix = t.declares("prefix") ? t.string("prefix", "")
                : kind.defaultPrefix() == null ? name + "/" : kind.defaultPrefix();
        return new ProviderConfig(name, kind, baseUrl, apiKey, t.strings("models", kind.defaultModels()),
                prefix, t.stringMap("headers"), timeouts(t.child("timeouts")), simulated(t.child("simulated")),
                LimitsBinder.deployment(t.child("limits")), ResilienceBinder.resilience(t), ResilienceBinder.weight(t),
                responsesPassthrough(t, kind));
    }

    /** {@code responses_api}: {@code passthrough} (the default for {@code kind: openai}) or {@code translate}. */
    private static boolean responsesPassthrough(ConfigTree t, ProviderKind kind) {
        String mode = t.string("responses_api", kind == ProviderKind.OPENAI ? "passthrough" : "translate");
        switch (mode) {
            case "passthrough" -> {
                if (!kind.speaksOpenAi()) {
                    t.problem("responses_api", "passthrough, but a provider of kind " + kind.configName()
                            + " does not serve OpenAI's Responses API (expected: translate, or leave it out)");
                    return false;
                }
                return true;
            }
            case "translate" -> {
                return false;
            }
            default -> {
                t.problem("responses_api", "'" + mode + "' (expected: passthrough or translate)");
                return false;
            }
        }
    }

    private static ProviderKind kind(ConfigTree t, String text) {
        return ProviderKind.byName(text).orElseGet(() -> {
            t.problem("kind", "'" + text + "' (expected one of: " + ProviderKind.choices() + ")");
            return null;
        });
    }

    private static URI baseUrl(ConfigTree t, ProviderKind kind) {
        String text = t.string("base_url", kind.defaultBaseUrl());
        if (text == null) {
            if (kind.needsBaseUrl()) {
                t.problem("base_url", "missing (expected: the upstream's OpenAI-compatible base URL, e.g. http://127.0.0.1:8000/v1)");
            }
            return null;
        }
        try {
            URI uri = new URI(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                t.problem("base_url", "'" + text + "' (expected: an http:// or https:// URL with a host)");
                return null;
            }
            return kind == ProviderKind.GEMINI ? withApiVersion(uri) : uri;
        } catch (URISyntaxException e) {
            t.problem("base_url", "'" + text + "' is not a URL (" + e.getReason() + ")");
            return null;
        }
    }

    /**
     * Google's SDKs take the host alone ({@code http://localhost:8080}) and add the API version
     * themselves; Tollgate calls {@code {base_url}/models/...}, so a URL without a version segment
     * ({@code v1}, {@code v1beta}, {@code v1alpha}, ...) gets the default {@code /v1beta}.
     */
    static URI withApiVersion(URI uri) {
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        for (String segment : path.split("/")) {
            if (API_VERSION.matcher(segment).matches()) {
                return uri;
            }
        }
        return URI.create(uri.toString() + "/v1beta");
    }

    private static TimeoutConfig timeouts(ConfigTree t) {
        t.rejectUnknown(TIMEOUT_KEYS);
        TimeoutConfig d = TimeoutConfig.DEFAULTS;
        return new TimeoutConfig(millis(t, "connect_ms", d.connect()), millis(t, "first_byte_ms", d.firstByte()),
                millis(t, "idle_ms", d.idle()));
    }

    private static SimulatedConfig simulated(ConfigTree t) {
        t.rejectUnknown(SIMULATED_KEYS);
        SimulatedConfig d = SimulatedConfig.DEFAULTS;
        return new SimulatedConfig(
                Duration.ofMillis(t.number("first_token_ms", d.firstTokenLatency().toMillis(), 0, 600_000)),
                Duration.ofMillis(t.number("inter_token_ms", d.interTokenLatency().toMillis(), 0, 60_000)));
    }

    private static Duration millis(ConfigTree t, String name, Duration fallback) {
        return Duration.ofMillis(t.number(name, fallback.toMillis(), 1, 3_600_000));
    }

    /**
     * The first concrete model a provider serves, in configuration order: a literal name in its
     * {@code models}, else its kind's well-known default. A provider that only has globs and no known
     * default (a local server) is skipped, so a later provider's model is the default rather than none.
     */
    private static String guessDefaultModel(List<ProviderConfig> providers) {
        for (ProviderConfig provider : providers) {
            String model = concreteModel(provider);
            if (!model.isEmpty()) {
                return model;
            }
        }
        // Local servers' models are unknown until asked: there is no honest guess, so no default.
        return "";
    }

    private static String concreteModel(ProviderConfig provider) {
        for (String model : provider.models()) {
            if (!model.contains("*")) {
                return provider.prefix() + model;
            }
        }
        String known = provider.kind().defaultModel();
        // A kind's default only counts when the provider still serves it (its models may be narrowed).
        return !known.isEmpty() && provider.upstreamName(known) != null ? known : "";
    }
}
