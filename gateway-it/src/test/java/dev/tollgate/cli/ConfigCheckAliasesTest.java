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

/** {@code tollgate config check} validates aliases and shows them, and sets up Gemini from its variables. */
class ConfigCheckAliasesTest {

    @TempDir
    Path dir;

    @Test
    @Timeout(60)
    void aliasToAModelNoProviderServes_isExplained_andGoodAliasesAreListed() throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, """
                providers:
                  - {name: gemini, kind: gemini, api_key: g-key}
                  - {name: ollama, kind: ollama}
                aliases:
                  fast: gpt-4o-mini
                """);
        Path good = dir.resolve("good.yaml");
        Files.writeString(good, """
                providers:
                  - {name: gemini, kind: gemini, api_key: g-key}
                  - {name: ollama, kind: ollama}
                aliases:
                  fast: gemini-2.5-flash
                  smart: [ollama/llama3.2, gemini-2.5-pro]
                """);

        Process refused = start(Map.of(), "config", "check", "--config", bad.toString());
        String refusedOutput = readAll(refused);
        Process accepted = start(Map.of(), "config", "check", "--config", good.toString());
        String acceptedOutput = readAll(accepted);

        assertThat(refused.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(refused.exitValue()).isEqualTo(2);
        assertThat(refusedOutput).contains("aliases.fast: 'gpt-4o-mini' is not served by any configured provider");
        assertThat(accepted.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(accepted.exitValue()).as(acceptedOutput).isZero();
        assertThat(acceptedOutput).contains("provider gemini: gemini at https://generativelanguage.googleapis.com/v1beta")
                .contains("alias fast -> gemini-2.5-flash").contains("alias smart -> ollama/llama3.2, gemini-2.5-pro")
                .doesNotContain("g-key");
    }

    @Test
    @Timeout(60)
    void geminiApiKey_aloneConfiguresGemini() throws Exception {
        Process check = start(Map.of("GEMINI_API_KEY", "AIza-env-key"), "config", "check");
        String output = readAll(check);

        assertThat(check.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(check.exitValue()).as(output).isZero();
        assertThat(output).contains("provider gemini: gemini at https://generativelanguage.googleapis.com/v1beta, models [gemini-*], api key set")
                .contains("default model: gemini-2.5-flash").doesNotContain("AIza-env-key");
    }
}
