package dev.tollgate.provider.simulated;

import dev.tollgate.config.ProviderConfig;
import dev.tollgate.config.ProviderKind;
import dev.tollgate.provider.ProviderAdapter;
import dev.tollgate.provider.ProviderFactory;
import java.util.Set;

/** The built-in simulated provider: deterministic answers in OpenAI's shapes, no network. */
public final class SimulatedProviderFactory implements ProviderFactory {

    @Override
    public Set<ProviderKind> kinds() {
        return Set.of(ProviderKind.SIMULATED);
    }

    @Override
    public ProviderAdapter adapter(ProviderConfig config, Context context) {
        return new SimulatedAdapter(config.simulated(), context.json(), context.tokens(), context.clock());
    }
}
