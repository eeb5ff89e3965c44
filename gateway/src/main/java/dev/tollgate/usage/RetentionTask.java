package dev.tollgate.usage;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes what is past its retention, shortly after start and then daily: raw usage events (rollups stay)
 * and kept Responses API responses, each a {@link Purge}.
 */
public final class RetentionTask implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RetentionTask.class);

    /** One kind of row and how long it is kept; {@code pruneBefore} deletes those older than a cutoff and says how many. */
    public record Purge(String what, Duration retention, ToLongFunction<Instant> pruneBefore) {
    }

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("tollgate-retention").daemon(true).factory());

    public RetentionTask(List<Purge> purges, Clock clock) {
        List<Purge> all = List.copyOf(purges);
        scheduler.scheduleWithFixedDelay(() -> all.forEach(purge -> run(purge, clock)), 1, 24 * 60, TimeUnit.MINUTES);
    }

    /** One purge now; a failure is logged and the next run tries again. */
    public static void run(Purge purge, Clock clock) {
        try {
            long deleted = purge.pruneBefore().applyAsLong(clock.instant().minus(purge.retention()));
            if (deleted > 0) {
                LOG.info("deleted {} {} older than {} days", deleted, purge.what(), purge.retention().toDays());
            }
        } catch (RuntimeException e) {
            LOG.warn("retention run of {} failed: {}", purge.what(), e.getMessage());
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
