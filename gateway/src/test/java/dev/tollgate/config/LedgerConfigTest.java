package dev.tollgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ledger section: how long raw events and kept Responses API responses stay. */
class LedgerConfigTest {

    @TempDir
    Path dir;

    private TollgateConfig load(String yaml) throws IOException {
        Path file = dir.resolve("tollgate.yaml");
        Files.writeString(file, yaml);
        return new ConfigLoader(Map.of()).load(Optional.of(file));
    }

    @Test
    void responseRetention_defaultsTo30Days_andIsSetApartFromTheEvents() throws IOException {
        assertThat(load("ledger: {retention_days: 90}\n").ledger().responseRetentionDays()).isEqualTo(30);
        LedgerConfig ledger = load("ledger: {retention_days: 60, response_retention_days: 7}\n").ledger();
        assertThat(ledger.retentionDays()).isEqualTo(60);
        assertThat(ledger.responseRetentionDays()).isEqualTo(7);
        assertThat(load("ledger: {response_retention_days: 0}\n").ledger().responseRetentionDays()).as("0 keeps them").isZero();
    }

    @Test
    void aNegativeResponseRetention_isRejectedNamingTheKey() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> load("ledger: {response_retention_days: -1}\n"));
        assertThat(e).isNotNull();
        assertThat(String.join("\n", e.problems())).contains("response_retention_days");
    }
}
