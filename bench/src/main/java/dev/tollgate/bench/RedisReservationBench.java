package dev.tollgate.bench;

import dev.tollgate.store.Claim;
import dev.tollgate.store.CounterStore;
import dev.tollgate.store.redis.RedisCounterStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Reservations through the Redis counter store, shaped like a call with every policy on: one reservation
 * claims three budget counters (tokens per agent × provider, dollars per org, requests per day) and two
 * rate-limit windows (the key's rpm and tpm), and its settlement adjusts the tokens and dollars. Limits are
 * far above what a run reaches, so every reservation pays for the check and none is refused.
 *
 * <p>Modes:
 * <ul>
 *   <li>{@code throughput PREFIX SECONDS THREADS START_AT_MS}: reserve + settle in a loop on {@code THREADS}
 *       threads for {@code SECONDS} from {@code START_AT_MS} (epoch ms; so several processes started by
 *       {@code bench/run-redis.sh} overlap exactly; until then the loop runs uncounted, to warm up) and print {@code reservations=N seconds=S}.</li>
 *   <li>{@code latency PREFIX COUNT}: one thread, one reservation at a time; prints the percentiles of one
 *       {@link CounterStore#reserve} round trip, which is what Redis adds to a call's budget check.</li>
 * </ul>
 * Optional last argument: the Redis URL (default {@code redis://127.0.0.1:6379}). Keys stay under PREFIX;
 * the script deletes them.
 */
public final class RedisReservationBench {

    private static final int AGENTS = 20;

    private RedisReservationBench() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        String prefix = args[1];
        String url = mode.equals("latency") ? arg(args, 3, "redis://127.0.0.1:6379") : arg(args, 5, "redis://127.0.0.1:6379");
        try (RedisCounterStore store = new RedisCounterStore(new RedisCounterStore.Settings(url, null, prefix, Duration.ofSeconds(2)),
                Clock.systemUTC())) {
            if (mode.equals("latency")) {
                latency(store, Integer.parseInt(args[2]));
            } else {
                throughput(store, Integer.parseInt(args[2]), Integer.parseInt(args[3]), Long.parseLong(args[4]));
            }
        }
    }

    private static String arg(String[] args, int i, String fallback) {
        return args.length > i ? args[i] : fallback;
    }

    /** The five claims of agent {@code a}'s call. */
    static List<Claim> claims(int a, Instant now) {
        Instant month = now.truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(31));
        Instant day = now.truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(1));
        Instant minute = now.truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
        long m = minute.getEpochSecond();
        return List.of(
                new Claim("budget|tokens-per-agent|tokens|agent=agent-" + a + ",provider=openai|month", 1_200, 1_000_000_000_000L, month),
                new Claim("budget|dollars-per-org|cost_usd|org=org-" + a % 3 + "|month", 2_500, 1_000_000_000_000L, month),
                new Claim("budget|requests-per-day|requests||day", 1, 1_000_000_000_000L, day),
                new Claim("rl:key:key-" + a + ":rpm:" + m, 1, 1_000_000_000L, minute),
                new Claim("rl:key:key-" + a + ":tpm:" + m, 1_200, 1_000_000_000_000L, minute));
    }

    /** Actual minus reserved for the tokens, dollars and the key's tokens per minute. */
    static List<Claim> settle(List<Claim> claims) {
        return List.of(delta(claims.get(0), -900), delta(claims.get(1), -1_800), delta(claims.get(4), -900));
    }

    private static Claim delta(Claim c, long amount) {
        return new Claim(c.key(), amount, Claim.NO_LIMIT, c.expiresAt());
    }

    private static void throughput(CounterStore store, int seconds, int threads, long startAtMs) throws Exception {
        LongAdder done = new LongAdder();
        LongAdder refused = new LongAdder();
        long end = startAtMs + Duration.ofSeconds(seconds).toMillis();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int first = t;
            workers.add(Thread.ofPlatform().start(() -> {
                int a = first;
                // Until the common start the same loop warms the JIT up, uncounted.
                while (System.currentTimeMillis() < startAtMs) {
                    List<Claim> claims = claims(a++ % AGENTS, Instant.now());
                    store.reserve(claims);
                    store.adjust(settle(claims));
                }
                while (System.currentTimeMillis() < end) {
                    List<Claim> claims = claims(a++ % AGENTS, Instant.now());
                    if (store.reserve(claims).granted()) {
                        store.adjust(settle(claims));
                        done.increment();
                    } else {
                        refused.increment();
                    }
                }
            }));
        }
        for (Thread w : workers) {
            w.join();
        }
        double took = (System.currentTimeMillis() - Math.max(startAtMs, 0)) / 1e3;
        System.out.printf("reservations=%d refused=%d seconds=%.2f threads=%d -> %.0f reservations/s (each reserve + settle)%n",
                done.sum(), refused.sum(), took, threads, done.sum() / took);
    }

    private static void latency(CounterStore store, int count) {
        long[] nanos = new long[count];
        for (int i = -Math.min(count, 5_000); i < count; i++) {
            List<Claim> claims = claims(Math.floorMod(i, AGENTS), Instant.now());
            long t0 = System.nanoTime();
            store.reserve(claims);
            long t1 = System.nanoTime();
            store.adjust(settle(claims));
            if (i >= 0) {
                nanos[i] = t1 - t0;
            }
        }
        Arrays.sort(nanos);
        System.out.printf("one Redis reservation (5 counters, one round trip), %d samples: p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, max %.3f ms%n",
                count, pct(nanos, 0.50), pct(nanos, 0.90), pct(nanos, 0.99), nanos[count - 1] / 1e6);
    }

    private static double pct(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length))] / 1e6;
    }
}
