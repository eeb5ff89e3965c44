package dev.tollgate.cli;

import static dev.tollgate.testing.TollgateProcess.readAll;
import static dev.tollgate.testing.TollgateProcess.start;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tollgate config check} with {@code storage:} and {@code counters:} connects to the PostgreSQL and
 * the Redis it names and says what it found there, creating nothing; one it cannot reach is a problem (exit
 * code 2) named with its address. No password of a URL is ever printed.
 */
class ConfigCheckSharedStoresTest {

    @TempDir
    Path dir;

    private record Run(int exit, String output) {
    }

    private static Run check(Path file) throws InterruptedException {
        Process process = start(Map.of(), "config", "check", "--config", file.toString());
        String output = readAll(process);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), output);
    }

    private static void requireServers() {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", p)) {
            c.isValid(3);
        } catch (Exception e) {
            if ("1".equals(System.getenv("TOLLGATE_REQUIRE_POSTGRES"))) {
                throw new AssertionError("PostgreSQL at 127.0.0.1:5432 is not reachable, and TOLLGATE_REQUIRE_POSTGRES=1");
            }
            Assumptions.abort("PostgreSQL at 127.0.0.1:5432 is not reachable");
        }
    }

    @Test
    @Timeout(90)
    void reachableStores_areReportedWithWhatIsThere_andNoPassword() throws Exception {
        requireServers();
        String schema = "t_check_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        Path file = dir.resolve("tollgate.yaml");
        Files.writeString(file, """
                storage: {url: "postgres://postgres:pg-Secret-42@127.0.0.1:5432/test", schema: %s}
                counters: {url: "redis://127.0.0.1:6379/0", key_prefix: "test:check:%s:", on_outage: fail_open}
                """.formatted(schema, schema));

        Run run = check(file);

        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output())
                .containsPattern("storage: +postgres at jdbc:postgresql://127.0.0.1:5432/test schema " + schema
                        + " as postgres: connected to PostgreSQL [0-9.]+.*; schema " + schema + " not created yet \\(serve creates and migrates it\\)")
                .containsPattern("counters: +connected to Redis [0-9.]+ at 127.0.0.1:6379; key prefix 'test:check:" + schema
                        + ":'; no seeded counters yet .*; on outage fail_open")
                .contains("exact cache:   redis")
                .doesNotContain("pg-Secret-42");
    }

    @Test
    @Timeout(90)
    void anUnreachableDatabase_isAProblem_namedWithItsAddress_withoutThePassword() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        Path file = dir.resolve("tollgate.yaml");
        Files.writeString(file, "storage: {url: \"postgres://tollgate:pg-Secret-42@127.0.0.1:" + closed + "/app\"}\n");

        Run run = check(file);

        assertThat(run.exit()).as(run.output()).isEqualTo(2);
        assertThat(run.output())
                .contains("storage:       postgres at jdbc:postgresql://127.0.0.1:" + closed + "/app schema tollgate as tollgate: UNREACHABLE")
                .contains("storage: PostgreSQL at jdbc:postgresql://127.0.0.1:" + closed + "/app cannot be reached")
                .doesNotContain("pg-Secret-42");
    }
}
