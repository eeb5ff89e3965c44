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

/**
 * {@code tollgate keys create --rpm N --tpm N} stores the key's rate limits in the data directory's SQLite
 * file; {@code tollgate config check} shows provider limits and webhooks without their secrets.
 */
class LimitsCliTest {

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

    @Test
    @Timeout(60)
    void configCheck_showsProviderLimits_andWebhooksWithoutTheirSecretPath() throws Exception {
        Path config = dir.resolve("tollgate.yaml");
        java.nio.file.Files.writeString(config, """
                providers:
                  - {name: openai, kind: openai, api_key: sk-x, limits: {rpm: 42, rpd: 3400, tpm: 100000, max_tokens_per_request: 17000}}
                alerts:
                  webhooks: [{url: "https://hooks.slack.com/services/T0/B0/TOPSECRET"}]
                """);
        Process check = start(Map.of(), "config", "check", "--config", config.toString());
        String out = readAll(check);
        assertThat(check.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(check.exitValue()).as(out).isZero();
        assertThat(out).contains("limits rpm 42 rpd 3400 tpm 100000 max_tokens_per_request 17000")
                .contains("alert webhooks: [https://hooks.slack.com/…]").doesNotContain("TOPSECRET");

        java.nio.file.Files.writeString(config, "providers: [{name: openai, kind: openai, api_key: sk-x, limits: {rpm: 0}}]\n");
        Process bad = start(Map.of(), "config", "check", "--config", config.toString());
        String badOut = readAll(bad);
        assertThat(bad.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(bad.exitValue()).isEqualTo(2);
        assertThat(badOut).contains("providers[0].limits.rpm: 0 (expected: 1 to 1000000000000)");
    }
}
