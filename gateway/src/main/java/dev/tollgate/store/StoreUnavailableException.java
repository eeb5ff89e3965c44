package dev.tollgate.store;

import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.Optional;

/**
 * A store's server (PostgreSQL, Redis) could not be reached or did not answer in time. The message says
 * which dependency and what happened, never a credential; callers decide what an outage means (fail
 * closed with a clear error, or fail open to local state).
 */
public final class StoreUnavailableException extends RuntimeException {

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Whether the counters (Redis) are what is out, rather than the database. */
    public boolean counters() {
        return getMessage() != null && getMessage().startsWith("counters:");
    }

    /**
     * {@code e} as an outage when it is one: this exception, or a failure whose cause is a database connection
     * that could not be had (the pool timed out, the server went away). Empty for every other failure.
     */
    public static Optional<StoreUnavailableException> of(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof StoreUnavailableException s) {
                return Optional.of(s);
            }
            if (t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException) {
                return Optional.of(new StoreUnavailableException("the database cannot be reached (" + t.getMessage() + ")", e));
            }
        }
        return Optional.empty();
    }
}
