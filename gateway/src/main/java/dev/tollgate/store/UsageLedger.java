package dev.tollgate.store;

import dev.tollgate.model.UsageEvent;
import java.util.List;

/**
 * The append-only record of every call. {@link #append} never blocks on storage: events are written in
 * batches by the implementation. Idempotent by event id: appending an event twice stores it once.
 */
public interface UsageLedger extends AutoCloseable {

    /** Queues an event for storage. Thread-safe; returns at once. */
    void append(UsageEvent event);

    /** Blocks until every event appended before this call is stored (or the ledger has failed). */
    void flush();

    /** The newest events first. */
    List<UsageEvent> recent(int limit);

    /** How many events are stored. */
    long count();

    /** Whether the ledger can currently store events (for {@code /ready}). */
    boolean healthy();

    /** Stores what is queued, then releases resources. */
    @Override
    void close();
}
