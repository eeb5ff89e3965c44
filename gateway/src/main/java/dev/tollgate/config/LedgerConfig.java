package dev.tollgate.config;

/** The usage ledger: raw events older than {@code retentionDays} are deleted daily (0 keeps them); rollups are kept. */
public record LedgerConfig(int retentionDays) {

    public static final LedgerConfig DEFAULTS = new LedgerConfig(90);
}
