package dev.tollgate.store;

/**
 * Totals of one group: {@code key} is the dimension's value ({@code ""} for calls without it) and
 * {@code month} the UTC month ({@code 2026-11}) for monthly queries, else {@code null}.
 */
public record UsageGroup(String month, String key, UsageTotals totals) {
}
