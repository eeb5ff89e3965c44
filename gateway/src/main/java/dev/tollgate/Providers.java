package dev.tollgate;

import dev.tollgate.config.ProviderConfig;
import dev.tollgate.config.ProviderKind;
import dev.tollgate.provider.ProviderAdapter;
import dev.tollgate.provider.ProviderFactory;
import dev.tollgate.provider.anthropic.AnthropicProviderFactory;
import dev.tollgate.provider.gemini.GeminiProviderFactory;
import dev.tollgate.provider.openai.OpenAiProviderFactory;
import dev.tollgate.provider.simulated.SimulatedProviderFactory;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The configured providers' adapters, in configuration order, each built by the factory registered for
 * its kind. {@link #FACTORIES} is the one list a new provider package adds its factory to.
 */
final class Providers implements AutoCloseable {

    /** One factory per provider package; together they serve every {@link ProviderKind}. */
    static final List<ProviderFactory> FACTORIES = List.of(
            new OpenAiProviderFactory(),
            new AnthropicProviderFactory(),
            new GeminiProviderFactory(),
            new SimulatedProviderFactory());

    private final Map<String, ProviderAdapter> adapters;

    private Providers(Map<String, ProviderAdapter> adapters) {
        this.adapters = Collections.unmodifiableMap(adapters);
    }

    /** An adapter per configured provider, by provider name. */
    static Providers build(List<ProviderConfig> configs, ProviderFactory.Context context) {
        Map<ProviderKind, ProviderFactory> byKind = byKind(FACTORIES);
        Map<String, ProviderAdapter> out = new LinkedHashMap<>();
        for (ProviderConfig p : configs) {
            out.put(p.name(), byKind.get(p.kind()).adapter(p, context));
        }
        return new Providers(out);
    }

    /** Which factory builds each kind; every kind must have exactly one. */
    static Map<ProviderKind, ProviderFactory> byKind(List<ProviderFactory> factories) {
        Map<ProviderKind, ProviderFactory> out = new EnumMap<>(ProviderKind.class);
        for (ProviderFactory f : factories) {
            for (ProviderKind kind : f.kinds()) {
                ProviderFactory before = out.put(kind, f);
                if (before != null) {
                    throw new IllegalStateException("provider kind " + kind.configName() + " is served by two factories: "
                            + before.getClass().getSimpleName() + " and " + f.getClass().getSimpleName());
                }
            }
        }
        for (ProviderKind kind : ProviderKind.values()) {
            if (!out.containsKey(kind)) {
                throw new IllegalStateException("provider kind " + kind.configName() + " has no factory in Providers.FACTORIES");
            }
        }
        return out;
    }

    Map<String, ProviderAdapter> adapters() {
        return adapters;
    }

    @Override
    public void close() {
        adapters.values().forEach(ProviderAdapter::close);
    }
}
