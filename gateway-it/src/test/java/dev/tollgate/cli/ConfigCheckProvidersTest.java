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

/** {@code tollgate config check} says which names reach each provider, which URL it calls, and the default model. */
class ConfigCheckProvidersTest {

    @TempDir
    Path dir;

    private static String check(Map<String, String> env, String... args) throws InterruptedException {
        String[] command = new String[args.length + 2];
        command[0] = "config";
        command[1] = "check";
        System.arraycopy(args, 0, command, 2, args.length);
        Process process = start(env, command);
        String output = readAll(process);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    @Test
    @Timeout(60)
    void eachProvider_showsTheNamesItServes_andWarnsWhenAPrefixHidesItsGlobs() throws Exception {
        Path file = dir.resolve("tollgate.yaml");
        Files.writeString(file, """
                providers:
                  - {name: local, kind: ollama}
                  - {name: openai, kind: openai, api_key: sk-secret-value}
                  - {name: openai-backup, kind: openai_compatible, base_url: "https://backup.example.com/v1", prefix: "", models: ["gpt-*"]}
                  - {name: box, kind: openai_compatible, base_url: "http://127.0.0.1:8000/v1", models: ["gpt-*", qwen2.5]}
                """);

        String output = check(Map.of(), "--config", file.toString());

        assertThat(output)
                .contains("default model: gpt-4o-mini")
                .contains("    serves ollama/<model> (the prefix is removed before the call), calls http://localhost:11434/v1/chat/completions")
                .contains("    serves gpt-*, o1*, o3*, o4*, chatgpt-*, text-embedding-*, codex-* (no prefix), calls https://api.openai.com/v1/chat/completions")
                .contains("    serves gpt-* (no prefix), calls https://backup.example.com/v1/chat/completions")
                .contains("    serves box/gpt-*, box/qwen2.5 (the prefix is removed before the call); also qwen2.5 without the prefix")
                .contains("    note: a plain name such as gpt-x is not served here, only box/gpt-x; set prefix: \"\" to serve the names without a prefix")
                .doesNotContain("sk-secret-value");
    }

    @Test
    @Timeout(60)
    void eachProvider_showsItsRetriesBreakerAndWeight_andTheRoutingStrategy() throws Exception {
        Path file = dir.resolve("tollgate.yaml");
        Files.writeString(file, """
                routing: {strategy: weighted}
                providers:
                  - {name: openai, kind: openai, api_key: sk-secret-value, weight: 3}
                  - name: box
                    kind: openai_compatible
                    base_url: "http://127.0.0.1:8000/v1"
                    retries: {max: 1, on: [503, connect], initial_backoff_ms: 50, max_backoff_ms: 400, max_retry_after_ms: 1000}
                    circuit_breaker: {enabled: false}
                """);

        String output = check(Map.of(), "--config", file.toString());

        assertThat(output)
                .contains("    resilience: retries 2 on 429, 5xx, connect, timeout (backoff 200-2000 ms, Retry-After up to 5000 ms); "
                        + "circuit breaker opens at 50% failures of the last 20 calls (at least 10), cooldown 30000 ms, 2 half-open probes; weight 3")
                .contains("    resilience: retries 1 on 503, connect (backoff 50-400 ms, Retry-After up to 1000 ms); no circuit breaker; weight 1")
                .contains("  routing strategy: weighted")
                .doesNotContain("sk-secret-value");
    }

    @Test
    @Timeout(60)
    void aGeminiBaseUrlWithoutVersion_showsTheV1betaUrlItWillCall() throws Exception {
        String output = check(Map.of("GEMINI_API_KEY", "AIza-env-key", "GEMINI_BASE_URL", "http://127.0.0.1:8089"));

        assertThat(output).contains("provider gemini: gemini at http://127.0.0.1:8089/v1beta")
                .contains("calls http://127.0.0.1:8089/v1beta/models/{model}:generateContent")
                .doesNotContain("AIza-env-key");
    }

    @Test
    @Timeout(60)
    void withOnlyLocalServers_theDefaultModelIsNone_andSaysWhatToDo() throws Exception {
        String output = check(Map.of("OLLAMA_BASE_URL", "http://127.0.0.1:11434/v1"));

        assertThat(output).contains("default model: none (no provider names a concrete model: requests must name one, or set default_model)");
    }

    @Test
    @Timeout(60)
    void theSimulator_servesAnyName_inProcess() throws Exception {
        String output = check(Map.of());

        assertThat(output).contains("default model: tollgate-sim").contains("    serves any model name (no prefix), answered in-process (no network)");
    }
}
