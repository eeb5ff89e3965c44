package dev.tollgate.config;

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
        SimulatedConfig simulated) {

    public ProviderConfig {
        models = List.copyOf(models);
        headers = Map.copyOf(headers);
    }

    /** The config of the built-in simulated provider, as {@code tollgate demo} uses it. */
    public static ProviderConfig simulated(SimulatedConfig timing) {
        return new ProviderConfig("simulated", ProviderKind.SIMULATED, null, Optional.empty(),
                ProviderKind.SIMULATED.defaultModels(), "", Map.of(), TimeoutConfig.DEFAULTS, timing);
    }
}
