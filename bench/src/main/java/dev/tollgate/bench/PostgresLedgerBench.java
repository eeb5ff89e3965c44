package dev.tollgate.bench;

import dev.tollgate.model.UsageEvent;
import dev.tollgate.store.UsageLedger;
import dev.tollgate.store.journal.JournaledUsageLedger;
import dev.tollgate.store.postgres.PostgresDatabase;
import dev.tollgate.store.postgres.PostgresUsageLedger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import tools.jackson.databind.json.JsonMapper;

/**
 * Events per second into the PostgreSQL ledger: {@code threads} writers append {@code events} usage
 * events (through the journal, as the request path does, or straight into the batched writer), and the
 * clock stops when PostgreSQL has stored them all, rollups included. Runs in a fresh schema of its own,
 * dropped at the end.
 *
 * <p>Usage: {@code PostgresLedgerBench [events=1000000] [threads=2] [journal=true]
 * [url=jdbc:postgresql://127.0.0.1:5432/test] [user=postgres]}
 */
public final class PostgresLedgerBench {

    private PostgresLedgerBench() {
    }

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        boolean journal = args.length <= 2 || Boolean.parseBoolean(args[2]);
        String url = args.length > 3 ? args[3] : "jdbc:postgresql://127.0.0.1:5432/test";
        String user = args.length > 4 ? args[4] : "postgres";
        String schema = "bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        Path dir = Files.createTempDirectory("tollgate-pg-ledger-bench");
        PostgresDatabase database = PostgresDatabase.open(new PostgresDatabase.Settings(url, user, null, schema, 4));
        try {
            PostgresUsageLedger postgres = new PostgresUsageLedger(database, Duration.ofMillis(5));
            UsageLedger ledger = journal ? new JournaledUsageLedger(postgres, dir.resolve("journal"), JsonMapper.builder().build()) : postgres;
            List<UsageEvent> warm = LedgerBench.Generator.events(20_000, 1, Instant.now());
            warm.forEach(ledger::append);
            ledger.flush();

            long start = System.nanoTime();
            List<Thread> writers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int seed = t + 2;
                writers.add(Thread.ofPlatform().start(() -> LedgerBench.Generator.events(events / threads, seed, Instant.now())
                        .forEach(ledger::append)));
            }
            for (Thread w : writers) {
                w.join();
            }
            long appended = System.nanoTime();
            ledger.flush();
            long stored = System.nanoTime();
            double seconds = (stored - start) / 1e9;
            System.out.printf("postgres ledger: %d events, %d threads, journal=%s: appended in %.2f s, all stored in %.2f s"
                            + " -> %.0f events/s stored (count %d)%n",
                    events, threads, journal, (appended - start) / 1e9, seconds, events / seconds, ledger.count() - warm.size());
            ledger.close();
        } finally {
            database.close();
            drop(url, user, schema);
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void drop(String url, String user, String schema) throws Exception {
        Properties p = new Properties();
        p.setProperty("user", user);
        try (Connection c = DriverManager.getConnection(url, p); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }
}
