package dev.tollgate.provider;

import dev.tollgate.config.ProviderConfig;
import dev.tollgate.config.ProviderKind;
import dev.tollgate.usage.TokenCounter;
import java.time.Clock;
import java.util.Set;
import tools.jackson.databind.json.JsonMapper;

/**
 * Builds the adapters of one provider package. Each package registers exactly one factory (in the
 * composition root's list), serving one or more rows of the {@link ProviderKind} table, which holds the
 * per-kind facts (defaults, pricing, the {@code max_tokens} the adapter sends). A new upstream protocol is
 * a package with its adapter and this factory, its row in the table, and one line in the list.
 */
public interface ProviderFactory {

    /** What every adapter may use: one JSON mapper, one token counter and one clock per gateway. */
    record Context(JsonMapper json, TokenCounter tokens, Clock clock) {
    }

    /** The kinds this package's adapter speaks. */
    Set<ProviderKind> kinds();

    /** The adapter of one configured provider; {@code config.kind()} is one of {@link #kinds()}. */
    ProviderAdapter adapter(ProviderConfig config, Context context);
}
