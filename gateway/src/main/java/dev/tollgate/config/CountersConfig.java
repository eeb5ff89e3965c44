package dev.tollgate.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Where budget, reservation and rate-limit counters live ({@code counters:}): in this process (the
 * default; exact for one instance), or in one Redis shared by every instance.
 *
 * @param url       {@code redis://host:port[/db]} or {@code rediss://...}, without credentials; {@code null} in memory
 * @param password  from {@code password:} (write {@code ${VAR}}) or the URL
 * @param keyPrefix put before every counter key, so one Redis can serve several deployments
 * @param onOutage  what budgets and rate limits do while Redis cannot be reached
 * @param timeout   how long one Redis call may take before it counts as an outage
 */
public record CountersConfig(Kind kind, String url, Optional<Secret> password, String keyPrefix, OnOutage onOutage, Duration timeout) {

    public enum Kind {
        MEMORY, REDIS;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** {@code fail_closed}: refuse calls with a clear 503 while counters are out; {@code fail_open}: count per instance meanwhile. */
    public enum OnOutage {
        FAIL_CLOSED, FAIL_OPEN;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static final String DEFAULT_KEY_PREFIX = "tollgate:";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(500);
    public static final CountersConfig DEFAULTS = new CountersConfig(Kind.MEMORY, null, Optional.empty(), DEFAULT_KEY_PREFIX,
            OnOutage.FAIL_CLOSED, DEFAULT_TIMEOUT);
}
