package dev.tollgate.policy.cache;

import dev.tollgate.pipeline.GatewayException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * What a call asks of the cache with {@code X-Tollgate-Cache}: comma-separated directives, case-insensitive.
 *
 * @param noCache {@code no-cache}: do not answer from the cache, but store this call's answer
 * @param noStore {@code no-store}: neither answer from the cache nor store (implies {@code noCache})
 * @param ttl     {@code ttl=N}: store this answer for N seconds instead of the tier's time to live
 */
record CacheControl(boolean noCache, boolean noStore, Optional<Duration> ttl) {

    static final String HEADER = "X-Tollgate-Cache";
    static final long MAX_TTL_SECONDS = 366L * 24 * 3600;
    static final CacheControl NONE = new CacheControl(false, false, Optional.empty());

    private static final String EXPECTED = "no-cache, no-store or ttl=N (N whole seconds from 1 to " + MAX_TTL_SECONDS
            + "), comma-separated";

    /** The header's directives; a 400 naming the header and the directive for anything else. */
    static CacheControl parse(Optional<String> header) {
        if (header.isEmpty() || header.get().isBlank()) {
            return NONE;
        }
        boolean noCache = false;
        boolean noStore = false;
        Optional<Duration> ttl = Optional.empty();
        for (String raw : header.get().split(",")) {
            String directive = raw.strip().toLowerCase(Locale.ROOT);
            if (directive.equals("no-cache")) {
                noCache = true;
            } else if (directive.equals("no-store")) {
                noStore = true;
            } else if (directive.startsWith("ttl=")) {
                ttl = Optional.of(ttl(directive.substring(4).strip(), raw.strip()));
            } else {
                throw bad(raw.strip());
            }
        }
        return new CacheControl(noCache || noStore, noStore, ttl);
    }

    private static Duration ttl(String seconds, String directive) {
        try {
            long value = Long.parseLong(seconds);
            if (value >= 1 && value <= MAX_TTL_SECONDS) {
                return Duration.ofSeconds(value);
            }
        } catch (NumberFormatException e) {
            // reported below with what was expected
        }
        throw bad(directive);
    }

    private static GatewayException bad(String directive) {
        return GatewayException.badRequest(HEADER, HEADER + ": '" + WorkflowStep.printable(directive) + "' (expected: " + EXPECTED + ")");
    }
}
