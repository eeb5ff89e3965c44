package dev.tollgate.policy.routing;

import java.util.Arrays;

/**
 * The latest {@value #SIZE} samples of one series (time to first token, or total), in a ring: bounded memory
 * per deployment, and percentiles that follow what the deployment does now rather than since start.
 * Thread-safe; recording is a short critical section, reading copies the ring.
 */
public final class LatencyStats {

    static final int SIZE = 128;

    /** Percentiles in milliseconds; -1 when there is no sample. */
    public record Summary(long ttftP50, long ttftP95, long totalP50, long totalP95, int samples) {
        public static final Summary NONE = new Summary(-1, -1, -1, -1, 0);

        public boolean known() {
            return samples > 0;
        }
    }

    private final long[] ttft = new long[SIZE];
    private final long[] total = new long[SIZE];
    private int ttftCount;
    private int totalCount;

    /** @param ttftMs -1 when the call had no first token of its own (a whole answer counts its total only) */
    public synchronized void record(long ttftMs, long totalMs) {
        if (ttftMs >= 0) {
            ttft[ttftCount++ % SIZE] = ttftMs;
        }
        total[totalCount++ % SIZE] = totalMs;
    }

    public Summary summary() {
        long[] t;
        long[] all;
        synchronized (this) {
            t = Arrays.copyOf(ttft, Math.min(ttftCount, SIZE));
            all = Arrays.copyOf(total, Math.min(totalCount, SIZE));
        }
        if (all.length == 0) {
            return Summary.NONE;
        }
        Arrays.sort(t);
        Arrays.sort(all);
        return new Summary(percentile(t, 0.50), percentile(t, 0.95), percentile(all, 0.50), percentile(all, 0.95), all.length);
    }

    /** Nearest-rank percentile of sorted {@code values}; -1 when empty. */
    static long percentile(long[] values, double p) {
        if (values.length == 0) {
            return -1;
        }
        int rank = (int) Math.ceil(p * values.length);
        return values[Math.max(0, Math.min(values.length - 1, rank - 1))];
    }
}
