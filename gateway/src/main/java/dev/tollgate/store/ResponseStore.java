package dev.tollgate.store;

import java.time.Instant;
import java.util.Optional;

/**
 * Responses kept for the Responses API's {@code store} and {@code previous_response_id}, per org: every
 * read and delete names the org, and another org's id is simply not found. Kept until the retention
 * task prunes them ({@link #pruneBefore}).
 */
public interface ResponseStore {

    /** Keeps a response; an id that is kept already is replaced. */
    void put(StoredResponse response);

    /** The org's response with this id, if it is kept. */
    Optional<StoredResponse> find(String orgId, String id);

    /** Deletes the org's response; whether there was one. */
    boolean delete(String orgId, String id);

    /** Deletes every response created before {@code cutoff}; how many. */
    long pruneBefore(Instant cutoff);
}
