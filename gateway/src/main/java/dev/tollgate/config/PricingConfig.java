package dev.tollgate.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where prices come from: {@code file}, a newer copy of the community price map (else the bundled one),
 * and per-model {@code overrides} keyed by {@code model} or {@code provider/model}.
 */
public record PricingConfig(Optional<Path> file, Map<String, PriceOverrideConfig> overrides) {

    public static final PricingConfig DEFAULTS = new PricingConfig(Optional.empty(), Map.of());

    public PricingConfig {
        overrides = Map.copyOf(overrides);
    }

    /** US dollars per token; an unset field keeps the table's price for the model (or 0 for a model it lacks). */
    public record PriceOverrideConfig(Double input, Double output, Double cacheRead, Double cacheWrite, Double reasoning) {
    }
}
