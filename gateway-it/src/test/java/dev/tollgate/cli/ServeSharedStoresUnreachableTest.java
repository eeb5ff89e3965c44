package dev.tollgate.cli;

import static dev.tollgate.testing.TollgateProcess.readAll;
import static dev.tollgate.testing.TollgateProcess.start;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tollgate serve} on a PostgreSQL or a Redis it cannot reach at start does not serve: exit code 3 and
 * one line naming the store and its address, never its password, never a stack trace.
 */
class ServeSharedStoresUnreachableTest {

    @TempDir
    Path dir;

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private String serve(String yaml) throws Exception {
        Path file = dir.resolve("tollgate.yaml");
        Files.writeString(file, "server: {host: 127.0.0.1, port: 0}\ndata_dir: " + dir.resolve("data") + "\n" + yaml);
        Process p = start(Map.of(), "serve", "--config", file.toString());
        String out = readAll(p);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isEqualTo(3);
        assertThat(out).doesNotContain("Exception", "\tat ", "s3cret-pw");
        return out;
    }

    @Test
    @Timeout(90)
    void anUnreachableRedis_stopsStartUp_inOneLine() throws Exception {
        int port = closedPort();
        String out = serve("counters: {url: \"redis://:s3cret-pw@127.0.0.1:" + port + "\"}\n");
        assertThat(out).containsOnlyOnce("tollgate: cannot start: counters: Redis at 127.0.0.1:" + port + ": cannot connect (");
    }

    @Test
    @Timeout(90)
    void anUnreachableDatabase_stopsStartUp_inOneLine() throws Exception {
        int port = closedPort();
        String out = serve("storage: {url: \"postgres://tollgate:s3cret-pw@127.0.0.1:" + port + "/app\"}\n");
        assertThat(out).containsOnlyOnce("tollgate: cannot start: PostgreSQL at jdbc:postgresql://127.0.0.1:" + port + "/app cannot be reached");
    }
}
