package dev.tollgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tollgate.model.RateLimits;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LimitsConfigTest {

    @TempDir
    Path dir;

    private TollgateConfig load(String yaml, Map<String, String> env) throws IOException {
        Path file = dir.resolve("tollgate.yaml");
        Files.writeString(file, yaml);
        return new ConfigLoader(env).load(Optional.of(file));
    }

    @Test
    void providerLimits_rateLimits_andAlerts_bind() throws IOException {
        TollgateConfig c = load("""
                providers:
                  - name: openai
                    kind: openai
                    api_key: sk-test
                    limits: {rpm: 42, rpd: 3400, tpm: 100000, max_tokens_per_request: 17000}
                  - {name: local, kind: ollama, base_url: "http://127.0.0.1:11434/v1"}
                rate_limits:
                  default_key: {rpm: 60, tpm: 50000}
                  default_max_tokens: 1024
                alerts:
                  webhooks:
                    - url: https://hooks.slack.com/services/T000/B000/SECRETPATH
                      headers: {Authorization: Bearer hook-secret}
                  spike_multiple: 2.5
                  spike_check_seconds: 60
                  webhook_attempts: 3
                  webhook_backoff_ms: 200
                """, Map.of());
        assertThat(c.providers().get(0).limits()).isEqualTo(new RateLimits(42, 3400, 100_000, 17_000));
        assertThat(c.providers().get(1).limits()).isEqualTo(RateLimits.NONE);
        assertThat(c.rateLimits()).isEqualTo(new RateLimitsConfig(RateLimits.perKey(60, 50_000), 1024));
        AlertsConfig a = c.alerts();
        assertThat(a.webhooks()).hasSize(1);
        assertThat(a.webhooks().getFirst().url()).isEqualTo(URI.create("https://hooks.slack.com/services/T000/B000/SECRETPATH"));
        assertThat(a.webhooks().getFirst().toString()).doesNotContain("SECRETPATH").doesNotContain("hook-secret");
        assertThat(a.spikeMultiple()).isEqualTo(2.5);
        assertThat(a.spikeCheckEvery()).isEqualTo(Duration.ofMinutes(1));
        assertThat(a.webhookAttempts()).isEqualTo(3);
        assertThat(a.webhookBackoff()).isEqualTo(Duration.ofMillis(200));
    }

    @Test
    void defaults_whenNothingIsSet() throws IOException {
        TollgateConfig c = load("providers: [{name: openai, kind: openai, api_key: sk-test}]\n", Map.of());
        assertThat(c.rateLimits()).isEqualTo(RateLimitsConfig.DEFAULTS);
        assertThat(c.alerts()).isEqualTo(AlertsConfig.DEFAULTS);
    }

    @Test
    void badValues_areReportedWithTheirPaths() throws IOException {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> load("""
                providers:
                  - name: openai
                    kind: openai
                    limits: {rpm: 0, tpm: lots, rps: 3}
                rate_limits:
                  default_key: {rpm: -1, rpd: 5}
                alerts:
                  webhooks: [{url: "ftp://example.com/x?token=abc"}, {headers: {a: b}}]
                  spike_multiple: 1
                """, Map.of()));
        assertThat(e).isNotNull();
        assertThat(e.problems()).contains(
                "providers[0].limits.rps: unknown setting (expected one of: max_tokens_per_request, rpd, rpm, tpm)",
                "providers[0].limits.rpm: 0 (expected: 1 to 1000000000000)",
                "providers[0].limits.tpm: 'lots' (expected: a whole number from 1 to 1000000000000)",
                "rate_limits.default_key.rpd: unknown setting (expected one of: rpm, tpm)",
                "rate_limits.default_key.rpm: -1 (expected: 1 to 1000000000000)",
                "alerts.webhooks[0].url: not an http:// or https:// URL with a host",
                "alerts.webhooks[1].url: missing (expected: the webhook's http:// or https:// URL)",
                "alerts.spike_multiple: 1 (expected: a number above 1, such as 3)");
        assertThat(String.join("\n", e.problems())).doesNotContain("token=abc");
    }

    @Test
    void alertWebhookEnvVariable_addsAWebhook_withOrWithoutAFile() throws IOException {
        String url = "https://hooks.example.com/T1/$x";
        TollgateConfig fromFile = load("providers: [{name: openai, kind: openai, api_key: sk-test}]\n",
                Map.of("TOLLGATE_ALERT_WEBHOOK_URL", url));
        assertThat(fromFile.alerts().webhooks()).extracting(AlertsConfig.Webhook::url).containsExactly(URI.create(url));
        TollgateConfig fromEnv = new ConfigLoader(Map.of("TOLLGATE_ALERT_WEBHOOK_URL", url)).load(Optional.empty());
        assertThat(fromEnv.alerts().webhooks()).extracting(AlertsConfig.Webhook::url).containsExactly(URI.create(url));
    }
}
