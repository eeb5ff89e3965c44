package dev.tollgate.config;

import java.time.Duration;

/**
 * The usage ledger. Raw events older than {@code retentionDays} are deleted daily (0 keeps them);
 * rollups are kept. {@code batchLinger} is how long the writer waits to gather a larger batch when few
 * events are queued: larger batches cost less per event, and the journal keeps queued events safe.
 */
public record LedgerConfig(int retentionDays, Duration batchLinger) {

    public static final LedgerConfig DEFAULTS = new LedgerConfig(90, Duration.ofMillis(5));
}
