package dev.tollgate.config;

import dev.tollgate.model.RateLimits;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One configured upstream. {@code models} are names or globs ({@code gpt-*}, {@code *}) this provider
 * serves; {@code prefix} ({@code ollama/}) routes any model written with it here, minus the prefix.
 * {@code responsesPassthrough}: a Responses API call ({@code POST /v1/responses}) is sent to this
 * upstream's own {@code /responses} as the client wrote it, instead of translated into a chat completion
 * ({@code responses_api: passthrough}; the default for {@code kind: openai}, which serves it).
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
        RateLimits limits,
        ResilienceConfig resilience,
        int weight,
        boolean responsesPassthrough) {

    /** The largest {@code weight} a provider may have. */
    public static final int MAX_WEIGHT = 1_000;

    public ProviderConfig {
        models = List.copyOf(models);
        headers = Map.copyOf(headers);
        limits = limits == null ? RateLimits.NONE : limits;
        resilience = resilience == null ? ResilienceConfig.DEFAULTS : resilience;
        if (weight < 0 || weight > MAX_WEIGHT) {
            throw new IllegalArgumentException("weight: " + weight + " (expected: 0 to " + MAX_WEIGHT + ")");
        }
    }

    /**
     * A provider with the default retries, circuit breaker and weight, whose Responses API calls are passed through
     * only when its kind serves them ({@code kind: openai}).
     */
    public ProviderConfig(String name, ProviderKind kind, URI baseUrl, Optional<Secret> apiKey, List<String> models, String prefix,
                          Map<String, String> headers, TimeoutConfig timeouts, SimulatedConfig simulated, RateLimits limits) {
        this(name, kind, baseUrl, apiKey, models, prefix, headers, timeouts, simulated, limits, ResilienceConfig.DEFAULTS, 1,
                kind == ProviderKind.OPENAI);
    }

    /** A provider without rate limits. */
    public ProviderConfig(String name, ProviderKind kind, URI baseUrl, Optional<Secret> apiKey, List<String> models, String prefix,
                          Map<String, String> headers, TimeoutConfig timeouts, SimulatedConfig simulated) {
        this(name, kind, baseUrl, apiKey, models, prefix, headers, timeouts, simulated, RateLimits.NONE);
    }

    /** The same provider with {@code newLimits}. */
    public ProviderConfig withLimits(RateLimits newLimits) {
        return new ProviderConfig(name, kind, baseUrl, apiKey, models, prefix, headers, timeouts, simulated, newLimits, resilience, weight,
                responsesPassthrough);
    }

    /** The same provider with {@code newResilience}. */
    public ProviderConfig withResilience(ResilienceConfig newResilience) {
        return new ProviderConfig(name, kind, baseUrl, apiKey, models, prefix, headers, timeouts, simulated, limits, newResilience, weight,
                responsesPassthrough);
    }

    /**
     * The name this provider knows {@code model} by, or {@code null} when it does not serve it: a name
     * written with the provider's prefix ({@code ollama/llama3} → {@code llama3}) that its patterns
     * allow, or, without a prefix, a name its patterns match ({@code gemini-*}). A provider with a
     * prefix serves unprefixed names only when it lists them exactly.
     */
    public String upstreamName(String model) {
        if (!prefix.isEmpty() && model.startsWith(prefix) && model.length() > prefix.length()) {
            String stripped = model.substring(prefix.length());
            return matchesAny(models, stripped) ? stripped : null;
        }
        if (prefix.isEmpty() ? matchesAny(models, model) : models.contains(model)) {
            return model;
        }
        return null;
    }

    public static boolean matchesAny(List<String> patterns, String model) {
        for (String pattern : patterns) {
            if (matches(pattern, model)) {
                return true;
            }
        }
        return false;
    }

    /** Glob match where {@code *} stands for any run of characters. */
    public static boolean matches(String pattern, String text) {
        int star = pattern.indexOf('*');
        if (star < 0) {
            return pattern.equals(text);
        }
        String head = pattern.substring(0, star);
        if (!text.startsWith(head)) {
            return false;
        }
        String rest = pattern.substring(star + 1);
        for (int i = head.length(); i <= text.length(); i++) {
            if (matches(rest, text.substring(i))) {
                return true;
            }
        }
        return false;
    }

    /** Header values may hold credentials: only their names are shown. The api key shows as {@code Secret[****]}. */
    @Override
    public String toString() {
        return "ProviderConfig[name=" + name + ", kind=" + kind.configName() + ", baseUrl=" + baseUrl + ", apiKey=" + apiKey
                + ", models=" + models + ", prefix=" + prefix + ", headers=" + headers.keySet() + ", timeouts=" + timeouts + ", limits=" + limits
                + ", resilience=" + resilience + ", weight=" + weight + ", responsesApi=" + (responsesPassthrough ? "passthrough" : "translate") + "]";
    }

    /** The config of the built-in simulated provider, as {@code tollgate demo} uses it. */
    public static ProviderConfig simulated(SimulatedConfig timing) {
        return new ProviderConfig("simulated", ProviderKind.SIMULATED, null, Optional.empty(),
                ProviderKind.SIMULATED.defaultModels(), "", Map.of(), TimeoutConfig.DEFAULTS, timing);
    }
}
