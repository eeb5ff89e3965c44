package dev.tollgate.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tollgate.model.Usage;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.store.OpenedResources;
import dev.tollgate.store.StoreUnavailableException;
import dev.tollgate.store.TestPostgres;
import dev.tollgate.store.UsageDimension;
import dev.tollgate.store.UsageFilter;
import dev.tollgate.store.UsageGroup;
import dev.tollgate.store.UsageTotals;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What the PostgreSQL ledger adds to the contract: several instances on one schema, a failing database, migrations. */
class PostgresUsageLedgerTest {

    private static final Instant HOUR = Instant.parse("2026-03-10T09:00:00Z");

    @RegisterExtension
    final OpenedResources after = new OpenedResources();


    /** A second instance: its own pool and writer on the same schema. */
    private PostgresUsageLedger instance(TestPostgres.Schema schema) {
        PostgresDatabase db = PostgresDatabase.open(TestPostgres.settings(schema.name(), 3));
        PostgresUsageLedger ledger = new PostgresUsageLedger(db, Duration.ofMillis(1));
        after.add(db);
        after.add(ledger);
        return ledger;
    }

    /**
     * Three instances, two threads each, append events of the same hours and tags (so their batches
     * upsert the same rollup rows at once), and every event reaches two instances (a replay elsewhere):
     * no batch is lost to a deadlock, each id is stored once, and the rollups hold exactly the sums.
     */
    @Test
    void threeInstancesOnOneSchema_writeTheSameRollupRows_andEndExact() throws Exception {
        TestPostgres.Schema schema = TestPostgres.open("multi");
        after.add(schema);
        List<PostgresUsageLedger> instances = List.of(instance(schema), instance(schema), instance(schema));
        List<UsageEvent> events = new ArrayList<>();
        for (int i = 0; i < 6_000; i++) {
            events.add(event("e" + i, HOUR.plusMillis(i * 1_000L), "agent-" + i % 5, 10 + i % 7, (i % 4) / 1024.0));
        }
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> writers = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                int n = t;
                writers.add(pool.submit(() -> {
                    go.await();
                    for (int i = n % 3; i < events.size(); i += 3) {
                        // Thread n writes its third of the events into instance n % 3 and the next one.
                        instances.get((n + (i / 3) % 2) % 3).append(events.get(i));
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> w : writers) {
                w.get();
            }
        } finally {
            pool.shutdownNow();
        }
        instances.forEach(PostgresUsageLedger::flush);
        // Rollup rows are upserted in key order in every transaction: no batch ever had to be retried.
        assertThat(instances).allSatisfy(l -> assertThat(l.failedWrites()).isZero());

        PostgresUsageLedger reader = instances.getFirst();
        assertThat(reader.count()).isEqualTo(6_000);
        UsageTotals expected = events.stream().map(UsageTotals::of).reduce(UsageTotals.ZERO, UsageTotals::plus);
        Instant day = Instant.parse("2026-03-10T00:00:00Z");
        assertThat(reader.totals(UsageFilter.ALL, day, day.plus(Duration.ofDays(1)))).isEqualTo(expected);
        assertThat(reader.totals(UsageFilter.ALL, HOUR, HOUR.plus(Duration.ofHours(2))))
                .isEqualTo(instances.get(2).totals(UsageFilter.ALL, HOUR, HOUR.plus(Duration.ofHours(2))))
                .isEqualTo(expected);
        assertThat(reader.breakdown(UsageDimension.AGENT, UsageFilter.ALL, day, day.plus(Duration.ofDays(1))))
                .extracting(UsageGroup::key).containsExactlyInAnyOrder("agent-0", "agent-1", "agent-2", "agent-3", "agent-4");
    }

    /**
     * The rollup table goes missing under a running writer (as good as a database that refuses writes):
     * the batch is held and retried, the ledger says it is unhealthy, and once the table is back
     * everything queued is stored exactly once.
     */
    @Test
    void whileWritesFail_eventsAreHeldAndRetried_thenStoredOnce() {
        TestPostgres.Schema schema = TestPostgres.open("outage");
        after.add(schema);
        PostgresUsageLedger ledger = instance(schema);
        ledger.append(event("before", HOUR, "scout", 5, 0.25));
        ledger.flush();
        TestPostgres.execute("ALTER TABLE " + schema.name() + ".usage_daily RENAME TO usage_daily_away");

        for (int i = 0; i < 50; i++) {
            ledger.append(event("during-" + i, HOUR.plusSeconds(i), "scout", 5, 0.25));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> !ledger.healthy() && ledger.failedWrites() > 0);
        assertThat(ledger.flush(Duration.ofMillis(200))).isFalse();
        assertThat(ledger.count()).isEqualTo(1);

        TestPostgres.execute("ALTER TABLE " + schema.name() + ".usage_daily_away RENAME TO usage_daily");
        assertThat(ledger.flush(Duration.ofSeconds(30))).isTrue();
        assertThat(ledger.healthy()).isTrue();
        assertThat(ledger.count()).isEqualTo(51);
        assertThat(ledger.totals(UsageFilter.ALL, HOUR, HOUR.plus(Duration.ofHours(1))).requests()).isEqualTo(51);
        assertThat(ledger.totals(UsageFilter.ALL, Instant.parse("2026-03-10T00:00:00Z"), Instant.parse("2026-03-11T00:00:00Z"))
                .requests()).isEqualTo(51);
    }

    /** PostgreSQL text cannot hold U+0000: such an event is stored with U+FFFD, and the rest of its batch with it. */
    @Test
    void aNulCharacterInATag_isStoredAsTheReplacementCharacter_andDoesNotBlockItsBatch() {
        TestPostgres.Schema schema = TestPostgres.open("nul");
        after.add(schema);
        PostgresUsageLedger ledger = instance(schema);
        UsageEvent plain = event("plain", HOUR, "scout", 5, 0.25);
        UsageEvent nul = event("nul", HOUR.plusSeconds(1), "bad\u0000agent", 5, 0.25);

        ledger.append(plain);
        ledger.append(nul);
        ledger.flush();

        assertThat(ledger.count()).isEqualTo(2);
        assertThat(ledger.recent(UsageFilter.ALL.withAgent("bad\uFFFDagent"), 10)).extracting(UsageEvent::id).containsExactly("nul");
        assertThat(ledger.failedWrites()).isZero();
    }

    @Test
    void instancesOpeningOneFreshSchemaTogether_migrateItOnce() throws Exception {
        String name = "t_migrate_" + Long.toHexString(System.nanoTime());
        after.add(() -> TestPostgres.execute("DROP SCHEMA IF EXISTS " + name + " CASCADE"));
        ExecutorService pool = Executors.newFixedThreadPool(3);
        List<Future<PostgresDatabase>> opening = new ArrayList<>();
        try {
            CountDownLatch go = new CountDownLatch(1);
            for (int i = 0; i < 3; i++) {
                opening.add(pool.submit(() -> {
                    go.await();
                    return PostgresDatabase.open(TestPostgres.settings(name, 2));
                }));
            }
            go.countDown();
            for (Future<PostgresDatabase> f : opening) {
                after.add(f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        PostgresDatabase db = opening.getFirst().get();
        long migrations = db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM flyway_schema_history WHERE success")
                .mapTo(Long.class).one());
        long scripts;
        try (var files = java.nio.file.Files.list(java.nio.file.Path.of(
                PostgresUsageLedgerTest.class.getResource("/db/migration/postgresql").toURI()))) {
            scripts = files.filter(f -> f.getFileName().toString().endsWith(".sql")).count();
        }
        assertThat(migrations).isEqualTo(scripts + 1); // the schema's creation and every script, each once
        assertThat(db.healthy()).isTrue();
    }

    @Test
    void aDatabaseThatIsNotThere_isAClearOutage_withoutItsCredentials() {
        PostgresDatabase.Settings nowhere = new PostgresDatabase.Settings("jdbc:postgresql://127.0.0.1:1/test?password=q-s3cret", "postgres",
                "pw-s3cret", "tollgate", 2);

        assertThatThrownBy(() -> PostgresDatabase.open(nowhere))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("PostgreSQL at jdbc:postgresql://127.0.0.1:1/test cannot be reached")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cret"));
        assertThat(nowhere.toString()).doesNotContain("s3cret");
    }

    private static UsageEvent event(String id, Instant at, String agent, long input, double cost) {
        return new UsageEvent(id, at, "req-" + id, "acme", "key-1", agent, "chat", "/v1/chat/completions", "proxy", "openai",
                "gpt-4o-mini", new Usage(input, 3, 0, 0, false), cost, true, 0, 7, -1, 200, null, false, 1, "miss", "explicit");
    }
}
