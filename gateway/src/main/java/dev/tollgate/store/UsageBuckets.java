package dev.tollgate.store;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** How periods map onto rollup buckets: hours, or UTC days when a period starts and ends at midnight. */
public final class UsageBuckets {

    private UsageBuckets() {
    }

    public static long hour(Instant t) {
        return t.truncatedTo(ChronoUnit.HOURS).toEpochMilli();
    }

    public static long day(Instant t) {
        return t.truncatedTo(ChronoUnit.DAYS).toEpochMilli();
    }

    /** Whether {@code [from, to)} can be answered from daily buckets. */
    public static boolean daily(Instant from, Instant to) {
        return from.equals(from.truncatedTo(ChronoUnit.DAYS)) && to.equals(to.truncatedTo(ChronoUnit.DAYS));
    }

    /** The bucket range {@code [first, end)} covering {@code [from, to)}: widened to whole buckets. */
    public static long[] range(Instant from, Instant to) {
        if (daily(from, to)) {
            return new long[] {day(from), day(to)};
        }
        long end = hour(to) == to.toEpochMilli() ? hour(to) : hour(to) + Duration.ofHours(1).toMillis();
        return new long[] {hour(from), end};
    }
}
