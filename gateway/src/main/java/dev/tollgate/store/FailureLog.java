package dev.tollgate.store;

/**
 * When to log a storage failure and its recovery. A disk that is nearly full flips between the two with
 * every write (a few freed bytes take one more record, the next one fails), so each flip cannot be a
 * log line: a failure is logged at most once per {@link #QUIET_NANOS}, and a recovery only after a
 * failure that was logged. The rest goes to DEBUG. Thread-safe.
 */
public final class FailureLog {

    private static final long QUIET_NANOS = 30_000_000_000L;

    private long lastFailureLogged;
    private boolean failureLogged;
    private boolean any;

    /** Whether this failure should be logged at ERROR (else DEBUG). */
    public synchronized boolean failed() {
        long now = System.nanoTime();
        if (any && now - lastFailureLogged < QUIET_NANOS) {
            return false;
        }
        any = true;
        lastFailureLogged = now;
        failureLogged = true;
        return true;
    }

    /** Whether this recovery should be logged at INFO (else DEBUG): the first after a logged failure. */
    public synchronized boolean recovered() {
        boolean log = failureLogged;
        failureLogged = false;
        return log;
    }
}
