package dev.tollgate.usage;

import dev.tollgate.store.UsageLedger;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Deletes raw usage events older than the retention, shortly after start and then daily. Rollups stay. */
public final class RetentionTask implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RetentionTask.class);

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("tollgate-retention").daemon(true).factory());

    public RetentionTask(UsageLedger ledger, Duration retention, Clock clock) {
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                long deleted = ledger.pruneBefore(clock.instant().minus(retention));
                if (deleted > 0) {
                    LOG.info("deleted {} usage events older than {} days (rollups are kept)", deleted, retention.toDays());
                }
            } catch (RuntimeException e) {
                LOG.warn("usage retention run failed: {}", e.getMessage());
            }
        }, 1, 24 * 60, TimeUnit.MINUTES);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
