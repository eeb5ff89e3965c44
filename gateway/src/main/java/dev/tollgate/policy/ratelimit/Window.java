package dev.tollgate.policy.ratelimit;

import java.time.Duration;
import java.time.Instant;

/**
 * A fixed rate-limit window aligned to the UTC calendar: the minute or the day {@code now} falls in. A
 * window's counter key ends with its start, and the counter expires at its end, so a new window starts
 * from zero without any reset step.
 *
 * @param unit  {@code minute} or {@code day}
 * @param start the window's first instant (inclusive)
 * @param end   the next window's start (exclusive)
 */
record Window(String unit, Instant start, Instant end) {

    private static final long MINUTE_SECONDS = 60;
    private static final long DAY_SECONDS = 86_400;

    static Window minute(Instant now) {
        return aligned("minute", now, MINUTE_SECONDS);
    }

    static Window day(Instant now) {
        return aligned("day", now, DAY_SECONDS);
    }

    private static Window aligned(String unit, Instant now, long seconds) {
        long start = Math.floorDiv(now.getEpochSecond(), seconds) * seconds;
        return new Window(unit, Instant.ofEpochSecond(start), Instant.ofEpochSecond(start + seconds));
    }

    /** The counter key of {@code subject}'s {@code what} in this window ({@code rl:key:k1:rpm:1764000000}). */
    String key(String subject, String what) {
        return subject + ":" + what + ":" + start.getEpochSecond();
    }

    /** Time until this window ends and its counter starts again from zero. */
    Duration resetAfter(Instant now) {
        Duration left = Duration.between(now, end);
        return left.isNegative() ? Duration.ZERO : left;
    }

    /** {@code Retry-After}: whole seconds until the window resets, rounded up, at least 1. */
    long retryAfterSeconds(Instant now) {
        Duration left = resetAfter(now);
        long seconds = left.getSeconds() + (left.getNano() > 0 ? 1 : 0);
        return Math.max(1, seconds);
    }

    /**
     * The reset time as OpenAI writes it in {@code x-ratelimit-reset-*}: {@code 250ms}, {@code 17s},
     * {@code 6m0s}, {@code 1h2m3s}; seconds are rounded up.
     */
    static String openAiDuration(Duration d) {
        if (d.compareTo(Duration.ofSeconds(1)) < 0) {
            return Math.max(0, (d.toNanos() + 999_999) / 1_000_000) + "ms";
        }
        long total = d.getSeconds() + (d.getNano() > 0 ? 1 : 0);
        long h = total / 3600;
        long m = total % 3600 / 60;
        long s = total % 60;
        if (h > 0) {
            return h + "h" + m + "m" + s + "s";
        }
        return m > 0 ? m + "m" + s + "s" : s + "s";
    }
}
