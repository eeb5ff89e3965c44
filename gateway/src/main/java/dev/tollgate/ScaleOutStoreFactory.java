package dev.tollgate;

import dev.tollgate.config.CacheConfig;
import dev.tollgate.config.CountersConfig;
import dev.tollgate.config.Secret;
import dev.tollgate.config.StorageConfig;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.store.AlertStore;
import dev.tollgate.store.BudgetStore;
import dev.tollgate.store.CounterStore;
import dev.tollgate.store.DependencyCheck;
import dev.tollgate.store.ExactCacheStore;
import dev.tollgate.store.KeyStore;
import dev.tollgate.store.ResponseStore;
import dev.tollgate.store.UsageLedger;
import dev.tollgate.store.jdbc.JdbcResponseStore;
import dev.tollgate.store.journal.JournaledUsageLedger;
import dev.tollgate.store.memory.CaffeineExactCacheStore;
import dev.tollgate.store.memory.InMemoryCounterStore;
import dev.tollgate.store.postgres.PostgresAlertStore;
import dev.tollgate.store.postgres.PostgresBudgetStore;
import dev.tollgate.store.postgres.PostgresDatabase;
import dev.tollgate.store.postgres.PostgresKeyStore;
import dev.tollgate.store.postgres.PostgresUsageLedger;
import dev.tollgate.store.redis.FailoverCounterStore;
import dev.tollgate.store.redis.RedisCounterStore;
import dev.tollgate.store.redis.RedisExactCacheStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;

/**
 * The stores of an instance that shares its state with others: PostgreSQL ({@code storage.kind: postgres})
 * for the ledger, keys, budgets, alerts and kept responses, Redis ({@code counters.kind: redis}) for the
 * counters (with the {@code on_outage} policy) and, with {@code cache.store: redis}, the exact cache. Either
 * half may be embedded instead (SQLite, in-process counters), which {@link EmbeddedStoreFactory} builds.
 *
 * <p>The ledger keeps its local journal in front of PostgreSQL: an answered call's event is on this
 * instance's disk first, so a database outage loses nothing, and the writer stores the backlog when the
 * database returns (idempotent by event id, so a replay never stores an event twice). PostgreSQL and Redis
 * must be reachable at start: an instance that cannot reach them does not serve (exit code 2, one line).
 */
public final class ScaleOutStoreFactory implements StoreFactory {

    private static final java.time.Duration PROBE_EVERY = java.time.Duration.ofSeconds(1);

    @Override
    public Stores open(TollgateConfig config, Clock clock, JsonMapper json) {
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            return open(config, clock, json, opened);
        } catch (RuntimeException e) {
            for (AutoCloseable c : opened.reversed()) {
                try {
                    c.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    private Stores open(TollgateConfig config, Clock clock, JsonMapper json, List<AutoCloseable> opened) {
        Stores base = config.storage().kind() == StorageConfig.Kind.POSTGRES
                ? postgres(config, clock, json, opened) : new EmbeddedStoreFactory().open(config, clock, json);
        if (config.storage().kind() != StorageConfig.Kind.POSTGRES) {
            opened.add(base);
        }
        List<DependencyCheck> checks = new ArrayList<>(base.checks());
        CounterStore counters = base.counters();
        ExactCacheStore cache = base.exactCache();
        CountersConfig c = config.counters();
        if (c.kind() == CountersConfig.Kind.REDIS) {
            RedisCounterStore.Settings settings = redisSettings(c);
            FailoverCounterStore failover = new FailoverCounterStore(new RedisCounterStore(settings, clock),
                    c.onOutage() == CountersConfig.OnOutage.FAIL_OPEN, clock);
            opened.add(failover);
            counters = failover;
            checks.add(new DependencyCheck("redis_counters", () -> failover.healthy() ? DependencyCheck.State.OK
                    : new DependencyCheck.State(failover.state(), failover.failOpen())));
            if (config.cache().store() == CacheConfig.Store.REDIS) {
                RedisExactCacheStore redisCache = new RedisExactCacheStore(settings, clock);
                opened.add(redisCache);
                cache = redisCache;
                // The cache misses while Redis is away; it never keeps the instance from serving.
                checks.add(new DependencyCheck("redis_cache", () -> redisCache.healthy() ? DependencyCheck.State.OK
                        : new DependencyCheck.State("failing (Redis unreachable; the exact cache misses)", true)));
            }
        }
        CounterStore finalCounters = counters;
        ExactCacheStore finalCache = cache;
        Runnable release = () -> {
            base.close();
            if (finalCounters instanceof AutoCloseable a && finalCounters != base.counters()) {
                closeQuietly(a);
            }
            if (finalCache != base.exactCache()) {
                finalCache.close();
            }
        };
        return new Stores(base.ledger(), base.keys(), base.budgets(), base.alerts(), counters, cache, base.responses(),
                base.awaitReady(), release, checks);
    }

    private static Stores postgres(TollgateConfig config, Clock clock, JsonMapper json, List<AutoCloseable> opened) {
        StorageConfig s = config.storage();
        PostgresDatabase database = PostgresDatabase.open(postgresSettings(s));
        opened.add(database);
        PostgresUsageLedger postgres = new PostgresUsageLedger(database, config.ledger().batchLinger());
        JournaledUsageLedger ledger = new JournaledUsageLedger(postgres, config.dataDir().resolve("journal"), json);
        opened.add(ledger::close);
        KeyStore keys = new PostgresKeyStore(database);
        BudgetStore budgets = new PostgresBudgetStore(database);
        AlertStore alerts = new PostgresAlertStore(database);
        ResponseStore responses = new JdbcResponseStore(database::jdbi);
        ExactCacheStore cache = new CaffeineExactCacheStore(config.cache().maxBytes(), clock);
        // Probed in the background: a pool waiting for a connection to a database that went away would hold /ready for seconds.
        java.util.concurrent.atomic.AtomicBoolean reachable = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread probe = Thread.ofVirtual().name("tollgate-postgres-probe").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                reachable.set(database.healthy());
                try {
                    Thread.sleep(PROBE_EVERY);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        opened.add(probe::interrupt);
        List<DependencyCheck> checks = List.of(new DependencyCheck("postgres", () -> reachable.get() ? DependencyCheck.State.OK
                : new DependencyCheck.State("failing (PostgreSQL at " + s.where() + " unreachable; events wait in the journal)", false)));
        UsageLedger journaled = ledger;
        Runnable release = () -> {
            probe.interrupt();
            journaled.close();
            database.close();
        };
        return new Stores(journaled, keys, budgets, alerts, new InMemoryCounterStore(clock), cache, responses,
                () -> { }, release, checks);
    }

    /** The database of {@code storage:} (kind postgres), as the stores and the command-line tools open it. */
    public static PostgresDatabase.Settings postgresSettings(StorageConfig s) {
        return new PostgresDatabase.Settings(s.jdbcUrl(), s.user().orElse(null), s.password().map(Secret::value).orElse(null),
                s.schema(), s.poolSize());
    }

    static RedisCounterStore.Settings redisSettings(CountersConfig c) {
        return new RedisCounterStore.Settings(c.url(), c.password().map(Secret::value).orElse(null), c.keyPrefix(), c.timeout());
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            org.slf4j.LoggerFactory.getLogger(ScaleOutStoreFactory.class).debug("closing a store: {}", e.getMessage());
        }
    }
}
