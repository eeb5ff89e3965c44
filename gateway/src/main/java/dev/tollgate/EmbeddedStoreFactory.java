package dev.tollgate;

import dev.tollgate.config.TollgateConfig;
import dev.tollgate.store.jdbc.JdbcResponseStore;
import dev.tollgate.store.journal.JournaledUsageLedger;
import dev.tollgate.store.memory.CaffeineExactCacheStore;
import dev.tollgate.store.memory.InMemoryCounterStore;
import dev.tollgate.store.sqlite.SqliteAlertStore;
import dev.tollgate.store.sqlite.SqliteBudgetStore;
import dev.tollgate.store.sqlite.SqliteDatabase;
import dev.tollgate.store.sqlite.SqliteKeyStore;
import dev.tollgate.store.sqlite.SqliteUsageLedger;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import org.jdbi.v3.core.Jdbi;
import tools.jackson.databind.json.JsonMapper;

/**
 * The zero-setup stores of one instance: one SQLite file ({@code DATA_DIR/tollgate.db}, WAL) for the
 * ledger, keys, budgets, alerts and kept responses, the ledger behind a local journal, and counters and the exact cache in this
 * process.
 * The file opens and migrates on its own thread while the rest of the gateway starts.
 */
public final class EmbeddedStoreFactory implements StoreFactory {

    @Override
    public Stores open(TollgateConfig config, Clock clock, JsonMapper json) {
        CompletableFuture<Jdbi> database = SqliteDatabase.openAsync(config.dataDir().resolve("tollgate.db"));
        SqliteUsageLedger sqlite = new SqliteUsageLedger(database, config.ledger().batchLinger());
        JournaledUsageLedger ledger = new JournaledUsageLedger(sqlite, config.dataDir().resolve("journal"), json);
        Runnable awaitReady = () -> {
            try {
                sqlite.awaitOpen();
            } catch (RuntimeException e) {
                throw new IllegalStateException("cannot open the usage ledger in " + config.dataDir() + ": " + e.getMessage(), e);
            }
        };
        return new Stores(ledger, new SqliteKeyStore(database), new SqliteBudgetStore(database), new SqliteAlertStore(database),
                new InMemoryCounterStore(clock), new CaffeineExactCacheStore(config.cache().maxBytes(), clock),
                new JdbcResponseStore(database::join), awaitReady, ledger::close);
    }
}
