package dev.tollgate.cli;

import static dev.tollgate.testing.TollgateProcess.readAll;
import static dev.tollgate.testing.TollgateProcess.start;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.model.ApiKey;
import dev.tollgate.model.RateLimits;
import dev.tollgate.store.sqlite.SqliteKeyStore;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code tollgate keys create --rpm N --tpm N} stores the key's rate limits in the data directory's SQLite file. */
class KeysLimitsCliTest {

    @TempDir
    Path dir;

    @Test
    @Timeout(90)
    void keysCreate_withRpmAndTpm_storesTheKeysLimits() throws Exception {
        Path data = dir.resolve("data");
        Process create = start(Map.of(), "keys", "create", "--data", data.toString(), "--name", "limited", "--rpm", "60", "--tpm", "90000");
        String out = readAll(create);
        assertThat(create.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(create.exitValue()).as(out).isZero();
        assertThat(out).contains("rpm 60").contains("tpm 90000");

        Process bad = start(Map.of(), "keys", "create", "--data", data.toString(), "--name", "bad", "--rpm", "-5");
        String badOut = readAll(bad);
        assertThat(bad.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(bad.exitValue()).isEqualTo(2);
        assertThat(badOut).contains("--rpm and --tpm must be >= 1");

        SqliteKeyStore store = new SqliteKeyStore(data.resolve("tollgate.db"));
        ApiKey key = store.keys(Optional.empty()).stream().filter(k -> k.name().equals("limited")).findFirst().orElseThrow();
        assertThat(key.rateLimits()).isEqualTo(RateLimits.perKey(60, 90_000));
        assertThat(store.keys(Optional.empty())).noneMatch(k -> k.name().equals("bad"));
    }
}
