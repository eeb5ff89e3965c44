package dev.tollgate.config;

/**
 * What operators see: {@code metrics:} and {@code logging:} of the configuration.
 *
 * @param metricsRequireKey {@code metrics.require_key}: {@code /metrics} needs a key with the {@code admin}
 *                          or {@code analytics} scope (default false: open, like {@code /health})
 * @param logFormat         {@code logging.format}, else {@code TOLLGATE_LOG_FORMAT}: {@code text} (default) or
 *                          {@code json} (one JSON object per line, with an access-log line per request)
 */
public record ObservabilityConfig(boolean metricsRequireKey, LogFormat logFormat) {

    public static final ObservabilityConfig DEFAULTS = new ObservabilityConfig(false, LogFormat.TEXT);

    /** How log lines are written to stderr. */
    public enum LogFormat {
        TEXT, JSON;

        public String configName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
