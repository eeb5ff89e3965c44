package dev.tollgate.cli;

import static dev.tollgate.testing.TollgateProcess.readAll;
import static dev.tollgate.testing.TollgateProcess.start;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tollgate keys} and {@code tollgate usage} with a configuration on PostgreSQL work on the shared
 * database every instance uses, not on a local SQLite file: a key created from the command line is in the
 * shared schema, and nothing is written to the data directory.
 */
class SharedStoresCliTest {

    @TempDir
    Path dir;

    private String schema;

    private static Connection connect() throws Exception {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("connectTimeout", "3");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", p);
    }

    @AfterEach
    void drop() throws Exception {
        if (schema != null) {
            try (Connection c = connect()) {
                c.createStatement().execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }

    private static String run(String... args) throws Exception {
        Process p = start(Map.of(), args);
        String out = readAll(p);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    @Timeout(120)
    void keysAndUsage_onAPostgresConfiguration_workOnTheSharedDatabase() throws Exception {
        try (Connection c = connect()) {
            c.isValid(3);
        } catch (Exception e) {
            if ("1".equals(System.getenv("TOLLGATE_REQUIRE_POSTGRES"))) {
                throw new AssertionError("PostgreSQL at 127.0.0.1:5432 is not reachable, and TOLLGATE_REQUIRE_POSTGRES=1");
            }
            Assumptions.abort("PostgreSQL at 127.0.0.1:5432 is not reachable");
        }
        schema = "t_cli_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        Path data = dir.resolve("data");
        Path file = dir.resolve("tollgate.yaml");
        Files.writeString(file, """
                data_dir: %s
                storage: {url: "postgres://postgres@127.0.0.1:5432/test", schema: %s}
                """.formatted(data, schema));

        String created = run("keys", "create", "--config", file.toString(), "--name", "shared-cli");
        assertThat(created).contains("key key_", "Store it now");
        assertThat(run("keys", "list", "--config", file.toString())).contains("shared-cli");
        try (Connection c = connect(); ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM " + schema + ".api_keys WHERE name = 'shared-cli'")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
        }
        assertThat(run("usage", "--config", file.toString())).contains("Usage for");
        assertThat(data.resolve("tollgate.db")).doesNotExist();
    }
}
