package dev.tollgate.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.Gateway;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.ServerConfig;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.model.Usage;
import dev.tollgate.model.UsageEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Everything a gateway writes in its data directory (the SQLite database with its WAL and shared-memory
 * files, journal segments) is owner-only: directories 0700, files 0600, whatever the process umask. The
 * probe found them 0644. A directory the user made wider is left as it is (a warning is logged), and a
 * database file an older version created wider is tightened.
 */
class DataFilePermissionsTest {

    @TempDir
    Path tmp;

    @Test
    void aNewDataDirectory_andEveryFileInIt_areOwnerOnly() throws IOException {
        Path data = tmp.resolve("new").resolve("data");

        try (Gateway gateway = start(data)) {
            writeSomething(gateway);
            assertPrivate(data);
        }
        assertThat(mode(data)).isEqualTo("rwx------");
        assertThat(mode(data.getParent())).as("missing parents are created owner-only too").isEqualTo("rwx------");
    }

    @Test
    void anExistingWiderDirectory_isKept_butTollgatesFilesInItAreOwnerOnly() throws IOException {
        Path data = Files.createDirectory(tmp.resolve("shared"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        // A database left by an older version, world-readable.
        Path db = Files.createFile(data.resolve("tollgate.db"));
        Files.setPosixFilePermissions(db, PosixFilePermissions.fromString("rw-r--r--"));

        try (Gateway gateway = start(data)) {
            writeSomething(gateway);
            try (Stream<Path> files = Files.walk(data)) {
                for (Path p : files.filter(p -> !p.equals(data)).toList()) {
                    assertThat(mode(p)).as("%s", data.relativize(p)).isEqualTo(Files.isDirectory(p) ? "rwx------" : "rw-------");
                }
            }
        }
        assertThat(mode(data)).as("the user's own choice for the directory").isEqualTo("rwxr-xr-x");
    }

    private static void assertPrivate(Path data) throws IOException {
        try (Stream<Path> files = Files.walk(data)) {
            List<Path> all = files.toList();
            assertThat(all).extracting(p -> data.relativize(p).toString())
                    .contains("tollgate.db", "tollgate.db-wal", "tollgate.db-shm", "journal");
            assertThat(all).anySatisfy(p -> assertThat(p.getFileName().toString()).endsWith(".journal"));
            for (Path p : all) {
                assertThat(mode(p)).as("%s", data.relativize(p)).isEqualTo(Files.isDirectory(p) ? "rwx------" : "rw-------");
            }
        }
    }

    private static void writeSomething(Gateway gateway) {
        gateway.ledger().append(new UsageEvent("evt-perm-1", Instant.now(), "req-1", "default", null, null, null, "chat", "proxy",
                "openai", "gpt-4o-mini", new Usage(10, 5, 0, 0, false), 0.0001, true, 0, 12, -1, 200, null, false, 1, "miss", null));
        gateway.ledger().flush();
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    private static Gateway start(Path data) throws IOException {
        Path yaml = Files.writeString(Files.createTempFile("tollgate-perms-", ".yaml"), "providers:\n  - {name: sim, kind: simulated}\n");
        try {
            TollgateConfig config = new ConfigLoader(Map.of()).load(Optional.of(yaml));
            return Gateway.start(config.withServer(new ServerConfig("127.0.0.1", 0, ServerConfig.DEFAULT_MAX_BODY_BYTES,
                    ServerConfig.DEFAULT_MAX_HEADER_BYTES)).withDataDir(data));
        } finally {
            Files.delete(yaml);
        }
    }
}
