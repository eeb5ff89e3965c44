package dev.tollgate.provider.gemini;

import dev.tollgate.config.ProviderConfig;
import dev.tollgate.config.ProviderKind;
import dev.tollgate.provider.ProviderAdapter;
import dev.tollgate.provider.ProviderFactory;
import java.util.Set;

/** Google's Gemini API (Google AI Studio keys). */
public final class GeminiProviderFactory implements ProviderFactory {

    @Override
    public Set<ProviderKind> kinds() {
        return Set.of(ProviderKind.GEMINI);
    }

    @Override
    public ProviderAdapter adapter(ProviderConfig config, Context context) {
        return new GeminiAdapter(config, context.json(), context.tokens(), context.clock());
    }
}
