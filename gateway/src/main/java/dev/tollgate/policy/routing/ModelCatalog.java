package dev.tollgate.policy.routing;

import dev.tollgate.config.ProviderConfig;
import dev.tollgate.provider.Deployment;
import dev.tollgate.provider.ProviderAdapter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which configured deployments serve a model name. A provider serves a name when it carries the
 * provider's prefix ({@code ollama/llama3} → Ollama's {@code llama3}) or matches one of its model
 * patterns ({@code gpt-*}); providers are tried in configuration order.
 */
public final class ModelCatalog {

    private final List<ProviderConfig> providers;
    private final Map<String, ProviderAdapter> adapters;

    public ModelCatalog(List<ProviderConfig> providers, Map<String, ProviderAdapter> adapters) {
        this.providers = List.copyOf(providers);
        this.adapters = Map.copyOf(adapters);
    }

    /** The deployments for {@code model}, in the order to try them; empty when none serves it. */
    public List<Deployment> resolve(String model) {
        List<Deployment> out = new ArrayList<>();
        for (ProviderConfig p : providers) {
            String upstream = upstreamName(p, model);
            if (upstream != null) {
                out.add(new Deployment(p, upstream, adapters.get(p.name())));
            }
        }
        return out;
    }

    private static String upstreamName(ProviderConfig p, String model) {
        if (!p.prefix().isEmpty() && model.startsWith(p.prefix()) && model.length() > p.prefix().length()) {
            String stripped = model.substring(p.prefix().length());
            return matchesAny(p.models(), stripped) ? stripped : null;
        }
        if (p.prefix().isEmpty() ? matchesAny(p.models(), model) : p.models().contains(model)) {
            return model;
        }
        return null;
    }

    static boolean matchesAny(List<String> patterns, String model) {
        for (String pattern : patterns) {
            if (matches(pattern, model)) {
                return true;
            }
        }
        return false;
    }

    /** Glob match where {@code *} stands for any run of characters. */
    static boolean matches(String pattern, String text) {
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
            for (String known : knownModelsOf.apply(p.kind().configName())) {
                if (p.prefix().isEmpty() && matchesAny(p.models(), known) && !p.models().equals(List.of("*"))) {
                    out.add(known);
                }
            }
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
}
