package dev.tollgate.policy.budget;

import dev.tollgate.config.BudgetRuleConfig.Period;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * The calendar period a budget counts in at one instant: {@code [start, end)} aligned to local midnight
 * (day) or the first of the month (month) in the rule's time zone, so a "month" in Europe/Berlin ends
 * at 23:00 UTC on the last day. {@code total} runs from the epoch and never ends.
 *
 * @param label the period as it appears in counter keys ({@code 2026-11}, {@code 2026-11-23}, {@code total})
 */
public record BudgetWindow(String label, Instant start, Instant end) {

    /** A counter of a {@code total} budget still needs an expiry; this one is far beyond any run. */
    static final Instant NEVER = Instant.parse("9999-01-01T00:00:00Z");

    public static BudgetWindow of(Period period, ZoneId zone, Instant now) {
        ZonedDateTime local = now.atZone(zone);
        return switch (period) {
            case DAY -> {
                LocalDate day = local.toLocalDate();
                yield new BudgetWindow(day.toString(), day.atStartOfDay(zone).toInstant(), day.plusDays(1).atStartOfDay(zone).toInstant());
            }
            case MONTH -> {
                LocalDate first = local.toLocalDate().withDayOfMonth(1);
                yield new BudgetWindow(first.toString().substring(0, 7), first.atStartOfDay(zone).toInstant(),
                        first.plusMonths(1).atStartOfDay(zone).toInstant());
            }
            case TOTAL -> new BudgetWindow("total", Instant.EPOCH, NEVER);
        };
    }

    public boolean ends() {
        return !end.equals(NEVER);
    }

    /** Whole seconds from {@code now} to the end of the period, at least 1. */
    public long secondsLeft(Instant now) {
        return Math.max(1, (end.toEpochMilli() - now.toEpochMilli() + 999) / 1000);
    }
}
