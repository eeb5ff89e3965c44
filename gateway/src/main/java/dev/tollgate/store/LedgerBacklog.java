package dev.tollgate.store;

/**
 * What a ledger has accepted but not yet stored, for the {@code /metrics} gauges. Read without locks
 * (each figure may be a moment apart from the others).
 *
 * @param queuedEvents     events appended and waiting for the database writer (the ledger's queue depth)
 * @param heldEvents       events the journal holds in memory because it cannot write its disk (0 when healthy)
 * @param journalSegments  journal segment files not yet retired: the open one, and full ones whose events the
 *                         ledger has not confirmed stored yet (0 without a journal)
 */
public record LedgerBacklog(long queuedEvents, long heldEvents, long journalSegments) {

    /** A ledger that stores synchronously, or keeps no queue (the in-memory one). */
    public static final LedgerBacklog NONE = new LedgerBacklog(0, 0, 0);
}
