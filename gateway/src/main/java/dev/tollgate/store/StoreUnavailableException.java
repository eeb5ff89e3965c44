package dev.tollgate.store;

/**
 * A store's server (PostgreSQL, Redis) could not be reached or did not answer in time. The message says
 * which dependency and what happened, never a credential; callers decide what an outage means (fail
 * closed with a clear error, or fail open to local state).
 */
public final class StoreUnavailableException extends RuntimeException {

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
