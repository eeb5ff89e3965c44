package dev.tollgate.config;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The whole, validated configuration. Built only by {@link ConfigLoader}: from a YAML file, or with
 * no file from environment variables alone.
 *
 * @param masterKey    when present, every route but health, readiness and docs needs this bearer key
 * @param defaultModel the model used when a request names none, {@code auto} or {@code tollgate}
 * @param aliases      alias → the model names it stands for, to try in order (configuration order kept)
 * @param rateLimits   default per-key limits and the token estimate of requests without {@code max_tokens}
 * @param alerts       webhooks and spike / forecast settings
 * @param budgets      the budget rules of the configuration ({@code budgets:}); more come from {@code /governance/budgets}
 * @param storage      where keys, budgets, alerts and the ledger live: SQLite (default) or PostgreSQL ({@code storage:})
 * @param counters     where budget and rate-limit counters live: this process (default) or Redis ({@code counters:})
 * @param observability {@code metrics:} (key protection of {@code /metrics}) and {@code logging:} (the log format)
 * @param cache        the response cache's tiers, per org ({@code cache:})
 * @param autopilot    the autopilot's candidates and quality, per org ({@code autopilot:}), and the catalog's
 *                     per-model settings ({@code catalog:})
 * @param routing      how deployments serving one model share its calls ({@code routing.strategy})
 */
public record TollgateConfig(
        ServerConfig server,
        Path dataDir,
        Optional<Secret> masterKey,
        String defaultModel,
        List<ProviderConfig> providers,
        PricingConfig pricing,
        LedgerConfig ledger,
        SignupConfig signup,
        Map<String, List<String>> aliases,
        RateLimitsConfig rateLimits,
        AlertsConfig alerts,
        List<BudgetRuleConfig> budgets,
        BudgetSettingsConfig budgetSettings,
        StorageConfig storage,
        CountersConfig counters,
        ObservabilityConfig observability,
        CacheConfig cache,
        AutopilotConfig autopilot,
        RoutingConfig routing) {

    public TollgateConfig {
        providers = List.copyOf(providers);
        Map<String, List<String>> copy = new LinkedHashMap<>();
        aliases.forEach((name, targets) -> copy.put(name, List.copyOf(targets)));
        aliases = Collections.unmodifiableMap(copy);
        budgets = List.copyOf(budgets);
        routing = routing == null ? RoutingConfig.DEFAULTS : routing;
    }

    public TollgateConfig withServer(ServerConfig newServer) {
        return new TollgateConfig(newServer, dataDir, masterKey, defaultModel, providers, pricing, ledger, signup, aliases, rateLimits, alerts, budgets, budgetSettings, storage, counters, observability, cache, autopilot, routing);
    }

    /** The same settings serving {@code newProviders} with {@code newDefaultModel}. */
    public TollgateConfig withProviders(List<ProviderConfig> newProviders, String newDefaultModel) {
        return new TollgateConfig(server, dataDir, masterKey, newDefaultModel, newProviders, pricing, ledger, signup, aliases, rateLimits, alerts, budgets, budgetSettings, storage, counters, observability, cache, autopilot, routing);
    }

    public TollgateConfig withPort(int port) {
        return new TollgateConfig(server.withPort(port), dataDir, masterKey, defaultModel, providers, pricing, ledger, signup, aliases, rateLimits, alerts, budgets, budgetSettings, storage, counters, observability, cache, autopilot, routing);
    }

    public TollgateConfig withDataDir(Path dir) {
        return new TollgateConfig(server, dir, masterKey, defaultModel, providers, pricing, ledger, signup, aliases, rateLimits, alerts, budgets, budgetSettings, storage, counters, observability, cache, autopilot, routing);
    }

    public TollgateConfig withMasterKey(Optional<Secret> key) {
        return new TollgateConfig(server, dataDir, key, defaultModel, providers, pricing, ledger, signup, aliases, rateLimits, alerts, budgets, budgetSettings, storage, counters, observability, cache, autopilot, routing);
    }
}
