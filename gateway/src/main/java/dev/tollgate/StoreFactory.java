package dev.tollgate;

import dev.tollgate.config.TollgateConfig;
import java.time.Clock;
import tools.jackson.databind.json.JsonMapper;

/**
 * Builds every store a gateway uses from its configuration: the usage ledger, keys and orgs, budget
 * rules, alerts, the shared counters and the exact cache. {@link #forConfig} is the one switch between the embedded stores
 * (SQLite and in-process counters, zero setup) and the scale-out ones (PostgreSQL and Redis, shared by
 * many instances), which implement the same store interfaces.
 */
public interface StoreFactory {

    /** Opens the stores; what takes time (opening and migrating a database) may finish in {@link Stores#awaitReady}. */
    Stores open(TollgateConfig config, Clock clock, JsonMapper json);

    /** The factory the configuration asks for: the embedded one unless {@code storage:} or {@code counters:} name shared stores. */
    static StoreFactory forConfig(TollgateConfig config) {
        boolean shared = config.storage().kind() == dev.tollgate.config.StorageConfig.Kind.POSTGRES
                || config.counters().kind() == dev.tollgate.config.CountersConfig.Kind.REDIS;
        return shared ? new ScaleOutStoreFactory() : new EmbeddedStoreFactory();
    }
}
