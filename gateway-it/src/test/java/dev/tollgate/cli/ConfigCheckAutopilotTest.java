package dev.tollgate.cli;

import static dev.tollgate.testing.TollgateProcess.readAll;
import static dev.tollgate.testing.TollgateProcess.start;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code tollgate config check} shows the autopilot's candidates per org with what the catalog knows of each. */
class ConfigCheckAutopilotTest {

    @TempDir
    Path dir;

    @Test
    @Timeout(60)
    void candidates_areListedWithPriceLimitsCapabilitiesAndQuality() throws Exception {
        Path file = dir.resolve("tollgate.yaml");
        Files.writeString(file, """
                providers:
                  - {name: openai, kind: openai, api_key: sk-secret-check}
                autopilot:
                  models: [gpt-4o-mini, gpt-4o]
                  orgs:
                    acme: {models: [gpt-3.5-turbo, gpt-4o], quality: cost}
                catalog:
                  gpt-4o: {quality: 0.9}
                """);

        Process check = start(Map.of(), "config", "check", "--config", file.toString());
        String output = readAll(check);

        assertThat(check.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(check.exitValue()).as(output).isZero();
        assertThat(output).contains("autopilot: candidates gpt-4o-mini, gpt-4o, quality balanced")
                .contains("autopilot for org acme: candidates gpt-3.5-turbo, gpt-4o, quality cost")
                .contains("gpt-4o-mini: $0.15 / $0.60 per 1M tokens, context 128000, output 16384, tools vision json, quality 0.60 (weak)")
                .contains("gpt-4o: $2.50 / $10.00 per 1M tokens, context 128000, output 16384, tools vision json, quality 0.90 (strong)")
                .contains("gpt-3.5-turbo: $0.50 / $1.50 per 1M tokens, context 16385, output 4096, tools, quality 0.45 (weak)")
                .doesNotContain("sk-secret-check");
    }
}
