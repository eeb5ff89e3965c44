package dev.tollgate.policy.resilience;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

/**
 * The wait an upstream asks for: {@code retry-after-ms} (milliseconds, as OpenAI and Azure send it), else
 * {@code retry-after} in seconds or as an HTTP-date (RFC 9110 §10.2.3). A date in the past is no wait; a value that
 * is neither is ignored (the backoff applies).
 */
final class RetryAfter {

    private RetryAfter() {
    }

    /** @param headers the failure's passed-on headers, lower-case names */
    static Optional<Duration> of(Map<String, String> headers, Instant now) {
        String ms = headers.get("retry-after-ms");
        if (ms != null) {
            Optional<Duration> parsed = number(ms).map(Duration::ofMillis);
            if (parsed.isPresent()) {
                return parsed;
            }
        }
        String value = headers.get("retry-after");
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        Optional<Duration> seconds = number(value).map(Duration::ofSeconds);
        if (seconds.isPresent()) {
            return seconds;
        }
        try {
            Instant at = ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration wait = Duration.between(now, at);
            return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static Optional<Long> number(String text) {
        try {
            long v = Long.parseLong(text.strip());
            return v < 0 ? Optional.empty() : Optional.of(v);
        } catch (NumberFormatException e) {
            try {
                double d = Double.parseDouble(text.strip());
                return d < 0 || Double.isNaN(d) || Double.isInfinite(d) ? Optional.empty() : Optional.of((long) Math.ceil(d));
            } catch (NumberFormatException notDecimal) {
                return Optional.empty();
            }
        }
    }
}
