package dev.tollgate.store;

import java.time.Instant;

/** One bucket of a usage time series: the hour or UTC day starting at {@code start}, and its totals. */
public record UsageBucket(Instant start, UsageTotals totals) {
}
