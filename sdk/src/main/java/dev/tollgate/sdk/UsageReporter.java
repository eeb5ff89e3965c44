package dev.tollgate.sdk;

import java.time.Duration;

/**
 * Where tracked calls go. {@link #report} is called on the application's thread: it must return at
 * once and never throw, whatever the state of Tollgate.
 */
public interface UsageReporter extends AutoCloseable {

    /** Reports nothing: tracking switched off. */
    UsageReporter NONE = new UsageReporter() {
        @Override
        public boolean report(UsageRecord record) {
            return false;
        }

        @Override
        public boolean flush(Duration timeout) {
            return true;
        }

        @Override
        public ReporterStats stats() {
            return ReporterStats.ZERO;
        }

        @Override
        public void close() {
        }
    };

    /** Queues one event; false when it was dropped (queue full, or the reporter closed). */
    boolean report(UsageRecord record);

    /**
     * Waits until every event reported before this call is settled (stored by Tollgate, or refused by it
     * as invalid), at most {@code timeout}; true when all were.
     */
    boolean flush(Duration timeout);

    ReporterStats stats();

    /** Delivers what is queued within the configured shutdown timeout, then stops. Idempotent. */
    @Override
    void close();
}
