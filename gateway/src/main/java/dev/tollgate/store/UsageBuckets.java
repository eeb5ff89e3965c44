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

    /**
     * {@code [from, to)} widened to whole hours and split for the cheapest reads: {@code [hourStart, dayStart)}
     * and {@code [dayEnd, hourEnd)} from hourly buckets, the whole days {@code [dayStart, dayEnd)} between
     * them from daily buckets. Covers exactly the hours of {@link #range}.
     */
    public record Split(long hourStart, long dayStart, long dayEnd, long hourEnd) {
    }

    public static Split split(Instant from, Instant to) {
        long[] hours = range(from, to);
        long dayMs = Duration.ofDays(1).toMillis();
        long firstDay = Math.floorDiv(hours[0] + dayMs - 1, dayMs) * dayMs;
        long lastDay = Math.floorDiv(hours[1], dayMs) * dayMs;
        if (firstDay >= lastDay) {
            return new Split(hours[0], hours[1], hours[1], hours[1]);
        }
        return new Split(hours[0], firstDay, lastDay, hours[1]);
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
