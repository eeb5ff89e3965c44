package dev.tollgate.config;

import java.time.Duration;

/** Timing of the built-in simulated provider: delay before the first token and between tokens. */
public record SimulatedConfig(Duration firstTokenLatency, Duration interTokenLatency) {

    public static final SimulatedConfig DEFAULTS = new SimulatedConfig(Duration.ofMillis(20), Duration.ofMillis(5));
}
