package dev.tollgate.provider.anthropic;

import dev.tollgate.config.ProviderConfig;
import dev.tollgate.config.ProviderKind;
import dev.tollgate.provider.ProviderAdapter;
import dev.tollgate.provider.ProviderFactory;
import java.util.Set;

/** Anthropic's Messages API. */
public final class AnthropicProviderFactory implements ProviderFactory {

    @Override
    public Set<ProviderKind> kinds() {
        return Set.of(ProviderKind.ANTHROPIC);
    }

    @Override
    public ProviderAdapter adapter(ProviderConfig config, Context context) {
        return new AnthropicAdapter(config, context.json(), context.tokens(), context.clock());
    }
}
