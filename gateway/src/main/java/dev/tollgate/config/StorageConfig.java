package dev.tollgate.config;

import java.util.Locale;
import java.util.Optional;

/**
 * Where keys, budgets, alerts and the usage ledger live ({@code storage:}): the SQLite file in the data
 * directory (the zero-setup default), or one PostgreSQL database shared by every instance.
 *
 * @param jdbcUrl  {@code jdbc:postgresql://host:port/database[?params]}, without credentials; {@code null} for SQLite
 * @param user     the role to connect as (from {@code user:} or the URL); empty for the driver's default
 * @param password from {@code password:} (write {@code ${VAR}}) or the URL
 * @param schema   the schema holding Tollgate's tables, created when missing
 * @param poolSize connections each instance keeps open at most
 */
public record StorageConfig(Kind kind, String jdbcUrl, Optional<String> user, Optional<Secret> password, String schema, int poolSize) {

    public enum Kind {
        SQLITE, POSTGRES;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static final String DEFAULT_SCHEMA = "tollgate";
    public static final int DEFAULT_POOL_SIZE = 10;
    public static final StorageConfig DEFAULTS = new StorageConfig(Kind.SQLITE, null, Optional.empty(), Optional.empty(),
            DEFAULT_SCHEMA, DEFAULT_POOL_SIZE);

    /** Where the database is, for messages and {@code config check}: no credentials, no query. */
    public String where() {
        if (jdbcUrl == null) {
            return "the SQLite file in the data directory";
        }
        int q = jdbcUrl.indexOf('?');
        return (q < 0 ? jdbcUrl : jdbcUrl.substring(0, q)) + " schema " + schema + user.map(u -> " as " + u).orElse("");
    }
}
