package dev.tollgate.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.model.Usage;
import dev.tollgate.model.UsageEvent;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteUsageLedgerTest {

    private static final Instant T0 = Instant.parse("2025-03-10T12:00:00.123Z");

    @TempDir
    Path dir;

    private final List<SqliteUsageLedger> opened = new ArrayList<>();

    private SqliteUsageLedger open() {
        SqliteUsageLedger ledger = new SqliteUsageLedger(dir.resolve("data").resolve("tollgate.db"));
        opened.add(ledger);
        return ledger;
    }

    @AfterEach
    void closeAll() {
        opened.forEach(SqliteUsageLedger::close);
    }

    /** Every field set to a distinct, non-default value, so a swapped or dropped column shows. */
    private static UsageEvent full(String id, Instant time) {
        return new UsageEvent(id, time, "req-" + id, "org-acme", "key_pub_4f2a", "support-bot", "ticket-triage",
                "/v1/chat/completions", "sdk", "openai", "gpt-4o-mini", new Usage(2006, 300, 1920, 17, 64, true),
                0.0003369, true, 0.000125, 1234, 87, 200, null, true, 2, "miss", "explicit: openai serves gpt-4o-mini");
    }

    private static UsageEvent failed(String id, Instant time) {
        return new UsageEvent(id, time, "req-" + id, null, null, null, null, "/v1/embeddings", "proxy", null, null, Usage.NONE,
                0.0, false, 0.0, 5, -1, 502, "upstream_error", false, 3, "none", null);
    }

    private static UsageEvent simple(String id) {
        return new UsageEvent(id, T0, "req-" + id, "org", "key", "agent", "feature", "/v1/chat/completions", "proxy",
                "simulated", "tollgate-sim", new Usage(10, 20, 0, 0, false), 0.0, true, 0.0, 3, -1, 200, null, false, 1,
                "miss", "autopilot");
    }

    @Test
    void appendedEvents_roundTripEveryFieldExactly() {
        SqliteUsageLedger ledger = open();
        UsageEvent older = full("evt-1", T0);
        UsageEvent newer = failed("evt-2", T0.plusMillis(1));

        ledger.append(older);
        ledger.append(newer);
        ledger.flush();

        assertThat(ledger.count()).isEqualTo(2);
        assertThat(ledger.recent(10)).containsExactly(newer, older);
    }

    @Test
    void recent_isNewestFirst_andLimited() {
        SqliteUsageLedger ledger = open();
        for (int i = 0; i < 10; i++) {
            ledger.append(full("evt-" + i, T0.plusSeconds(i)));
        }
        ledger.flush();

        assertThat(ledger.recent(3)).extracting(UsageEvent::id).containsExactly("evt-9", "evt-8", "evt-7");
    }

    @Test
    void sameEventIdTwice_isStoredOnce_andTheFirstWins() {
        SqliteUsageLedger ledger = open();
        UsageEvent first = full("evt-dup", T0);
        UsageEvent second = failed("evt-dup", T0.plusSeconds(5));

        ledger.append(first);
        ledger.append(first);
        ledger.flush();
        ledger.append(second);
        ledger.flush();

        assertThat(ledger.count()).isEqualTo(1);
        assertThat(ledger.recent(10)).containsExactly(first);
    }

    @Test
    void concurrentAppends_fromSixteenThreads_areAllStored() throws Exception {
        SqliteUsageLedger ledger = open();
        int threads = 16;
        int perThread = 2_000;

        runConcurrently(threads, t -> {
            for (int i = 0; i < perThread; i++) {
                ledger.append(simple("t" + t + "-" + i));
            }
        });
        ledger.flush();

        assertThat(ledger.count()).isEqualTo(32_000);
        assertThat(ledger.healthy()).isTrue();
    }

    @Test
    void concurrentAppendsOfTheSameIds_storeEachIdOnce() throws Exception {
        SqliteUsageLedger ledger = open();

        runConcurrently(16, t -> {
            for (int i = 0; i < 2_000; i++) {
                ledger.append(simple("shared-" + i));
            }
        });
        ledger.flush();

        assertThat(ledger.count()).isEqualTo(2_000);
    }

    @Test
    void close_storesEverythingQueued() {
        SqliteUsageLedger ledger = new SqliteUsageLedger(dir.resolve("tollgate.db"));
        for (int i = 0; i < 5_000; i++) {
            ledger.append(simple("evt-" + i));
        }

        ledger.close();

        SqliteUsageLedger reopened = new SqliteUsageLedger(dir.resolve("tollgate.db"));
        opened.add(reopened);
        assertThat(reopened.count()).isEqualTo(5_000);
        assertThat(reopened.recent(1)).hasSize(1);
    }

    @Test
    void reopening_keepsStoredEvents_andStaysIdempotent() {
        SqliteUsageLedger first = new SqliteUsageLedger(dir.resolve("tollgate.db"));
        first.append(full("evt-1", T0));
        first.close();

        SqliteUsageLedger second = new SqliteUsageLedger(dir.resolve("tollgate.db"));
        opened.add(second);
        second.append(full("evt-1", T0));
        second.append(full("evt-2", T0));
        second.flush();

        assertThat(second.count()).isEqualTo(2);
    }

    @FunctionalInterface
    interface ThreadBody {
        void run(int thread) throws Exception;
    }

    /** Starts all threads behind one gate so their appends overlap, then waits for all and rethrows failures. */
    private static void runConcurrently(int threads, ThreadBody body) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch ready = new CountDownLatch(threads);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    body.run(thread);
                    return null;
                }));
            }
            ready.await();
            go.countDown();
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
