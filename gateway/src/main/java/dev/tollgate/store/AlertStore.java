package dev.tollgate.store;

import dev.tollgate.model.Alert;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Alerts that fired, each once: {@link #add} refuses a second alert with the same dedup key. Thread-safe. */
public interface AlertStore {

    /** Stores the alert; false (and nothing stored) when one with its dedup key exists. */
    boolean add(Alert alert);

    /**
     * Lets new alerts fire where stored ones with a dedup key starting with {@code dedupPrefix} would block
     * them (after a budget reset): those keep their history but get {@code suffix} appended to their key.
     */
    void rearm(String dedupPrefix, String suffix);

    /** The newest alerts matching {@code query}, newest first. */
    List<Alert> list(Query query);

    /**
     * Which alerts to list; an empty field matches all.
     *
     * @param org  one org's alerts (global ones, without an org, only when empty)
     */
    record Query(Optional<String> org, Optional<String> level, Optional<String> type, Optional<Instant> since,
                 Optional<String> agent, int limit) {
    }
}
