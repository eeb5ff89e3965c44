package dev.tollgate.store;

import dev.tollgate.store.postgres.PostgresDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * The real PostgreSQL on 127.0.0.1:5432 (database {@code test}, trust auth), one fresh schema per use:
 * {@link #open} creates a schema with a random name and {@link Schema#close} drops it, so parallel runs
 * never see each other's rows. Without a server the test is skipped, unless {@code TOLLGATE_REQUIRE_POSTGRES=1}
 * (set by {@code .ci/run}) makes that a failure. {@code TOLLGATE_TEST_POSTGRES_URL} and
 * {@code TOLLGATE_TEST_POSTGRES_USER} point elsewhere.
 */
public final class TestPostgres {

    public static final String URL = env("TOLLGATE_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    public static final String USER = env("TOLLGATE_TEST_POSTGRES_USER", "postgres");

    private static volatile Boolean reachable;

    private TestPostgres() {
    }

    /** A migrated, empty schema of its own, or the test is skipped (fails where PostgreSQL is required). */
    public static Schema open(String label) {
        requireServer();
        String schema = ("t_" + label + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12)).toLowerCase(Locale.ROOT);
        return new Schema(schema, PostgresDatabase.open(settings(schema, 4)));
    }

    public static PostgresDatabase.Settings settings(String schema, int poolSize) {
        return new PostgresDatabase.Settings(URL, USER, null, schema, poolSize);
    }

    /** Skips (or fails, where required) when the server does not answer. */
    public static void requireServer() {
        if (reachable == null) {
            reachable = ping();
        }
        if (!reachable) {
            String message = "PostgreSQL at " + URL + " (user " + USER + ") is not reachable";
            if ("1".equals(System.getenv("TOLLGATE_REQUIRE_POSTGRES"))) {
                throw new AssertionError(message + ", and TOLLGATE_REQUIRE_POSTGRES=1");
            }
            Assumptions.abort(message);
        }
    }

    private static boolean ping() {
        Properties p = new Properties();
        p.setProperty("user", USER);
        p.setProperty("connectTimeout", "3");
        try (Connection c = DriverManager.getConnection(URL, p)) {
            return c.isValid(3);
        } catch (SQLException e) {
            return false;
        }
    }

    /** Runs one statement as the test user, outside any store (to drop a schema, or to look behind a store). */
    public static void execute(String sql) {
        Properties p = new Properties();
        p.setProperty("user", USER);
        try (Connection c = DriverManager.getConnection(URL, p); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    /** One test's schema and the database opened on it; closing closes the pool and drops the schema. */
    public record Schema(String name, PostgresDatabase database) implements AutoCloseable {

        @Override
        public void close() {
            database.close();
            execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
        }
    }
}
