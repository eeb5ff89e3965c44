package dev.tollgate.policy.budget;

import dev.tollgate.model.Usage;
import dev.tollgate.provider.Deployment;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many prompt tokens each deployment bills per token Tollgate counts, so that a reservation is an upper
 * bound even when the upstream's tokenizer counts more than Tollgate's. A deployment that has billed no call
 * yet is reserved at the most, {@value #MAX}× (its tokenizer is unknown, and the first calls arrive together);
 * from its first billed call on, at the highest ratio it has billed, never below its kind's
 * {@link dev.tollgate.config.ProviderKind#promptTokenRatio()}. An upstream billing more than that may pass a budget. The ratio only
 * grows while the gateway runs, so concurrent calls never see it fall under what another call has billed.
 */
final class PromptCorrection {

    /** The most any deployment is assumed to bill per token Tollgate counts; tokenizers differ by far less on text. */
    static final double MAX = 4.0;
    static final double UNLEARNED = MAX;

    private final Map<Key, Double> learned = new ConcurrentHashMap<>();

    /** The prompt tokens {@code target} may bill for a prompt Tollgate counts as {@code counted}. */
    long upperBound(long counted, Deployment target) {
        return (long) Math.ceil(counted * factor(target));
    }

    double factor(Deployment target) {
        Double f = learned.get(Key.of(target));
        return f == null ? UNLEARNED : f;
    }

    /** A call on {@code target} counted as {@code counted} was billed {@code billed}; usage Tollgate counted itself teaches nothing. */
    void observe(Deployment target, long counted, Usage billed) {
        if (counted <= 0 || billed.estimated() || billed.inputTokens() == 0) {
            return;
        }
        double ratio = Math.min(MAX, Math.max(target.provider().kind().promptTokenRatio(), (double) billed.inputTokens() / counted));
        learned.merge(Key.of(target), ratio, Math::max);
    }

    private record Key(String provider, String model) {
        static Key of(Deployment d) {
            return new Key(d.providerName(), d.upstreamModel());
        }
    }
}
