package dev.tollgate.config;

import java.util.Locale;
import java.util.Optional;

/**
 * {@code routing:}: how the deployments that serve one model share its calls.
 *
 * @param strategy which of them goes first
 */
public record RoutingConfig(Strategy strategy) {

    public static final RoutingConfig DEFAULTS = new RoutingConfig(Strategy.ORDERED);

    /** {@code routing.strategy}. */
    public enum Strategy {
        /** Configuration order (the later providers are fallbacks). */
        ORDERED,
        /** At random, in proportion to each provider's {@code weight}. */
        WEIGHTED,
        /** The one with the fewest calls in flight. */
        LEAST_BUSY,
        /** The one with the lowest observed median latency (unobserved ones first, so they get observed). */
        LOWEST_LATENCY;

        /** {@code ordered}, {@code weighted}, {@code least-busy}, {@code lowest-latency}. */
        public String configName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        public static Optional<Strategy> byName(String text) {
            String t = text.strip().toLowerCase(Locale.ROOT).replace('_', '-');
            for (Strategy s : values()) {
                if (s.configName().equals(t)) {
                    return Optional.of(s);
                }
            }
            return Optional.empty();
        }
    }
}
