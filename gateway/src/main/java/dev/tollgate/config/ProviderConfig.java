package dev.tollgate.config;

import dev.tollgate.model.RateLimits;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One configured upstream. {@code models} are names or globs ({@code gpt-*}, {@code *}) this provider
 * serves; {@code prefix} ({@code ollama/}) routes any model written with it here, minus the prefix.
 */
public record ProviderConfig(
        String name,
        ProviderKind kind,
        URI baseUrl,
        Optional<Secret> apiKey,
        List<String> models,
        String prefix,
        Map<String, String> headers,
        TimeoutConfig timeouts,
        SimulatedConfig simulated,
        RateLimits limits) {

    public ProviderConfig {
        models = List.copyOf(models);
        headers = Map.copyOf(headers);
        limits = limits == null ? RateLimits.NONE : limits;
    }

    /** A provider without rate limits. */
    public ProviderConfig(String name, ProviderKind kind, URI baseUrl, Optional<Secret> apiKey, List<String> models, String prefix,
                          Map<String, String> headers, TimeoutConfig timeouts, SimulatedConfig simulated) {
        this(name, kind, baseUrl, apiKey, models, prefix, headers, timeouts, simulated, RateLimits.NONE);
    }

    /** The same provider with {@code newLimits}. */
    public ProviderConfig withLimits(RateLimits newLimits) {
        return new ProviderConfig(name, kind, baseUrl, apiKey, models, prefix, headers, timeouts, simulated, newLimits);
    }

    /** Header values may hold credentials: only their names are shown. The api key shows as {@code Secret[****]}. */
    @Override
    public String toString() {
        return "ProviderConfig[name=" + name + ", kind=" + kind.configName() + ", baseUrl=" + baseUrl + ", apiKey=" + apiKey
                + ", models=" + models + ", prefix=" + prefix + ", headers=" + headers.keySet() + ", timeouts=" + timeouts + ", limits=" + limits + "]";
    }

    /** The config of the built-in simulated provider, as {@code tollgate demo} uses it. */
    public static ProviderConfig simulated(SimulatedConfig timing) {
        return new ProviderConfig("simulated", ProviderKind.SIMULATED, null, Optional.empty(),
                ProviderKind.SIMULATED.defaultModels(), "", Map.of(), TimeoutConfig.DEFAULTS, timing);
    }
}
