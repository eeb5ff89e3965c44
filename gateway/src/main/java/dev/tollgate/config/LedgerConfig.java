package dev.tollgate.config;

import java.time.Duration;

/**
 * The usage ledger. Raw events older than {@code retentionDays} are deleted daily (0 keeps them);
 * rollups are kept. {@code batchLinger} is how long the writer waits to gather a larger batch when few
 * events are queued: larger batches cost less per event, and the journal keeps queued events safe.
 * Responses kept for the Responses API ({@code store}, {@code previous_response_id}) live in the same
 * database and are deleted after {@code responseRetentionDays} (0 keeps them).
 */
public record LedgerConfig(int retentionDays, Duration batchLinger, int responseRetentionDays) {

    public static final LedgerConfig DEFAULTS = new LedgerConfig(90, Duration.ofMillis(5), 30);

    public LedgerConfig(int retentionDays, Duration batchLinger) {
        this(retentionDays, batchLinger, DEFAULTS.responseRetentionDays());
    }
}
