package dev.tollgate.alerts;

import dev.tollgate.model.Alert;
import dev.tollgate.store.AlertStore;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fires each alert once: an in-memory set of dedup keys turns repeats away on the caller's thread in
 * nanoseconds; the first of each is stored on a background thread, where the store's unique dedup key
 * turns away what fired before a restart; only an alert that was newly stored goes to the webhooks. The
 * caller (a request's thread) never waits for the database or a webhook.
 */
public final class AlertRecorder implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AlertRecorder.class);
    /** Beyond this many remembered keys the memory starts afresh; the store's unique key still dedups. */
    static final int MAX_REMEMBERED = 100_000;

    private final AlertStore store;
    private final WebhookNotifier notifier;
    private final Set<String> raised = ConcurrentHashMap.newKeySet();
    private final ExecutorService writer = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("tollgate-alerts").factory());

    public AlertRecorder(AlertStore store, WebhookNotifier notifier) {
        this.store = store;
        this.notifier = notifier;
    }

    /** Records the alert unless one with its dedup key was raised already; returns at once. */
    public void raise(Alert alert) {
        if (raised.size() >= MAX_REMEMBERED) {
            raised.clear();
        }
        if (!raised.add(alert.dedupKey())) {
            return;
        }
        try {
            writer.execute(() -> store(alert));
        } catch (RejectedExecutionException e) {
            raised.remove(alert.dedupKey());
        }
    }

    /**
     * A budget counter was reset: its threshold and forecast alerts of the current period may fire again.
     * The stored ones stay listed; the store changes on the writer thread, after every alert raised before it.
     */
    public void rearm(String ruleId, String orgId, java.util.Map<String, String> scope, java.time.Instant periodStart,
                      java.time.Instant resetAt) {
        for (String type : java.util.List.of("threshold", "forecast")) {
            String prefix = BudgetAlerts.dedupPrefix(type, ruleId, orgId, scope, periodStart);
            try {
                writer.execute(() -> store.rearm(prefix, "|reset@" + resetAt.toEpochMilli()));
            } catch (RejectedExecutionException e) {
                LOG.warn("alerts of {} not re-armed: the recorder is closed", ruleId);
                return;
            }
            // Forgotten only now: an alert raised from here on is stored after the store's re-arm, so it fires.
            raised.removeIf(key -> key.startsWith(prefix));
        }
    }

    private void store(Alert alert) {
        try {
            if (store.add(alert)) {
                LOG.info("alert {} {} ({}): {}", alert.id(), alert.level(), alert.type(), alert.message());
                notifier.deliver(alert);
            }
        } catch (RuntimeException e) {
            raised.remove(alert.dedupKey()); // not stored: the next occasion tries again
            LOG.error("alert {} could not be stored", alert.dedupKey(), e);
        }
    }

    /** Waits (bounded) for alerts raised so far to be stored; for shutdown and tests. */
    public void awaitStored(java.time.Duration timeout) {
        try {
            writer.submit(() -> { }).get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.warn("alerts not all stored within {}", timeout);
        }
    }

    @Override
    public void close() {
        writer.shutdown();
        try {
            writer.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        notifier.close();
    }
}
