package dev.tollgate.cli;

import dev.tollgate.config.CountersConfig;
import dev.tollgate.config.Secret;
import dev.tollgate.config.StorageConfig;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.store.StoreUnavailableException;
import dev.tollgate.store.postgres.PostgresDatabase;
import dev.tollgate.store.redis.RedisCounterStore;
import java.time.Clock;

/**
 * The part of {@code config check} that connects: to the PostgreSQL of {@code storage:} and the Redis of
 * {@code counters:}, saying what it found there (versions, the schema's migrations, whether counters were
 * seeded) or why it cannot reach them. Nothing is created or migrated; no password is printed.
 */
final class SharedStoresCheck {

    private SharedStoresCheck() {
    }

    /** Prints one line per store; returns false when a shared store cannot be reached. */
    static boolean report(TollgateConfig config) {
        boolean ok = true;
        StorageConfig s = config.storage();
        if (s.kind() == StorageConfig.Kind.POSTGRES) {
            try {
                System.out.println("  storage:       postgres at " + s.where() + ": " + PostgresDatabase.probe(settings(s)));
            } catch (StoreUnavailableException | IllegalArgumentException e) {
                System.out.println("  storage:       postgres at " + s.where() + ": UNREACHABLE");
                System.err.println("storage: " + e.getMessage());
                ok = false;
            }
        } else {
            System.out.println("  storage:       sqlite (" + s.where() + ")");
        }
        CountersConfig c = config.counters();
        if (c.kind() == CountersConfig.Kind.REDIS) {
            String where = "redis " + c.url();
            try (RedisCounterStore redis = new RedisCounterStore(new RedisCounterStore.Settings(c.url(),
                    c.password().map(Secret::value).orElse(null), c.keyPrefix(), c.timeout()), Clock.systemUTC())) {
                System.out.println("  counters:      " + redis.describe() + "; on outage " + c.onOutage().wireName());
            } catch (StoreUnavailableException | IllegalStateException | IllegalArgumentException e) {
                System.out.println("  counters:      " + where + ": UNREACHABLE");
                System.err.println("counters: " + e.getMessage());
                ok = false;
            }
        } else {
            System.out.println("  counters:      memory (this instance only)");
        }
        System.out.println("  exact cache:   " + config.cache().store().wireName());
        return ok;
    }

    private static PostgresDatabase.Settings settings(StorageConfig s) {
        return new PostgresDatabase.Settings(s.jdbcUrl(), s.user().orElse(null), s.password().map(Secret::value).orElse(null),
                s.schema(), s.poolSize());
    }
}
