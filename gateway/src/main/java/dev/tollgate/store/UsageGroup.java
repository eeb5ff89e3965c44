package dev.tollgate.store;

import java.util.List;

/**
 * Totals of one group: {@code keys} are the values of the grouped dimensions, in the order asked
 * ({@code ""} for calls without the tag), and {@code month} the UTC month ({@code 2026-11}) for monthly
 * queries, else {@code null}.
 */
public record UsageGroup(String month, List<String> keys, UsageTotals totals) {

    public UsageGroup {
        keys = List.copyOf(keys);
    }

    /** The value of the first grouped dimension. */
    public String key() {
        return keys.getFirst();
    }
}
