package dev.tollgate.store.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.tollgate.store.StoreUnavailableException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.jdbi.v3.core.Jdbi;

/**
 * Tollgate's tables in one schema of a PostgreSQL database, behind a HikariCP pool; the schema is created
 * and migrated by Flyway ({@code db/migration/postgresql}) when opened. Every store of one gateway shares
 * one instance; many gateways share the database. Flyway takes a lock on the schema's history table, so
 * instances starting together migrate it once.
 */
public final class PostgresDatabase implements AutoCloseable {

    /**
     * Where the database is and how to use it.
     *
     * @param jdbcUrl  {@code jdbc:postgresql://host:port/db}
     * @param user     the role; {@code null} for the driver's default (the OS user)
     * @param password {@code null} without one; never shown by {@link #toString()}
     * @param schema   the schema holding Tollgate's tables (created when missing)
     * @param poolSize connections kept open at most
     */
    public record Settings(String jdbcUrl, String user, String password, String schema, int poolSize) {

        public Settings {
            if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql:")) {
                throw new IllegalArgumentException("postgres: url " + jdbcUrl + " (expected: jdbc:postgresql://host:port/database)");
            }
            if (schema == null || !schema.matches("[a-z_][a-z0-9_]{0,62}")) {
                throw new IllegalArgumentException("postgres: schema '" + schema + "' (expected: lower-case letters, digits and '_')");
            }
            if (poolSize < 1) {
                throw new IllegalArgumentException("postgres: pool size " + poolSize + " (expected: >= 1)");
            }
        }

        /** The URL without its query, where a password could hide: for messages and logs. */
        public String where() {
            int q = jdbcUrl.indexOf('?');
            return q < 0 ? jdbcUrl : jdbcUrl.substring(0, q);
        }

        @Override
        public String toString() {
            return "Settings[" + where() + " user=" + user + " schema=" + schema + " pool=" + poolSize
                    + (password == null ? "" : " password=****") + "]";
        }
    }

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final Settings settings;
    private final HikariDataSource pool;
    private final Jdbi jdbi;

    private PostgresDatabase(Settings settings, HikariDataSource pool) {
        this.settings = settings;
        this.pool = pool;
        this.jdbi = Jdbi.create(pool);
    }

    /** Opens the pool and migrates the schema; a database that cannot be reached is a {@link StoreUnavailableException}. */
    public static PostgresDatabase open(Settings settings) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("tollgate-postgres");
        config.setJdbcUrl(settings.jdbcUrl());
        if (settings.user() != null) {
            config.setUsername(settings.user());
        }
        if (settings.password() != null) {
            config.setPassword(settings.password());
        }
        config.setSchema(settings.schema());
        config.setMaximumPoolSize(settings.poolSize());
        config.setMinimumIdle(Math.min(2, settings.poolSize()));
        config.setConnectionTimeout(CONNECT_TIMEOUT.toMillis());
        // Fail fast at start when the database is not there, instead of the first call finding out.
        config.setInitializationFailTimeout(CONNECT_TIMEOUT.toMillis());
        config.addDataSourceProperty("ApplicationName", "tollgate");
        config.addDataSourceProperty("connectTimeout", Long.toString(CONNECT_TIMEOUT.toSeconds()));
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new StoreUnavailableException("PostgreSQL at " + settings.where() + " cannot be reached: " + rootMessage(e), e);
        }
        try {
            Flyway.configure()
                    .dataSource(pool)
                    .schemas(settings.schema())
                    .defaultSchema(settings.schema())
                    .locations("classpath:db/migration/postgresql")
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            pool.close();
            throw new StoreUnavailableException("PostgreSQL at " + settings.where() + ": cannot migrate schema "
                    + settings.schema() + ": " + rootMessage(e), e);
        }
        return new PostgresDatabase(settings, pool);
    }

    /**
     * Connects once, without migrating anything, and says what is there: the server's version and whether the
     * schema exists with its migrations (for {@code config check}). Throws {@link StoreUnavailableException}
     * when the database cannot be reached; no message carries the password.
     */
    public static String probe(Settings settings) {
        java.util.Properties p = new java.util.Properties();
        if (settings.user() != null) {
            p.setProperty("user", settings.user());
        }
        if (settings.password() != null) {
            p.setProperty("password", settings.password());
        }
        p.setProperty("connectTimeout", Long.toString(CONNECT_TIMEOUT.toSeconds()));
        try (Connection c = java.sql.DriverManager.getConnection(settings.jdbcUrl(), p)) {
            String version = c.getMetaData().getDatabaseProductVersion();
            String migrations;
            try (var st = c.prepareStatement("SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = 'flyway_schema_history'")) {
                st.setString(1, settings.schema());
                var rs = st.executeQuery();
                rs.next();
                if (rs.getInt(1) == 0) {
                    migrations = "schema " + settings.schema() + " not created yet (serve creates and migrates it)";
                } else {
                    try (var q = c.createStatement().executeQuery("SELECT max(version), count(*) FROM " + settings.schema()
                            + ".flyway_schema_history WHERE success")) {
                        q.next();
                        migrations = "schema " + settings.schema() + " at migration V" + q.getString(1) + " (" + q.getInt(2) + " applied)";
                    }
                }
            }
            return "connected to PostgreSQL " + version + "; " + migrations;
        } catch (SQLException e) {
            throw new StoreUnavailableException("PostgreSQL at " + settings.where() + " cannot be reached: " + rootMessage(e), e);
        }
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public String schema() {
        return settings.schema();
    }

    /** A connection of the pool, for writers that keep one for themselves. */
    Connection connection() throws SQLException {
        return pool.getConnection();
    }

    /** Whether a connection can be had and answers (for {@code /ready}). */
    public boolean healthy() {
        try (Connection c = pool.getConnection()) {
            return c.isValid(2);
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        pool.close();
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
