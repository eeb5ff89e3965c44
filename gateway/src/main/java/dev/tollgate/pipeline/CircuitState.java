package dev.tollgate.pipeline;

/**
 * The state of a deployment's circuit breaker, as {@link PipelineListener#circuitChanged} reports it:
 * {@code CLOSED} (calls go through), {@code OPEN} (the deployment is skipped, like a full rate limit),
 * {@code HALF_OPEN} (a few trial calls decide which way it goes).
 */
public enum CircuitState {
    CLOSED, OPEN, HALF_OPEN;

    /** The name in metrics and JSON: {@code closed}, {@code open}, {@code half_open}. */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
