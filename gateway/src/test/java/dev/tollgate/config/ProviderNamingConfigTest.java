package dev.tollgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** How providers are reached: an explicit empty prefix, Gemini base URLs with or without a version, the default model. */
class ProviderNamingConfigTest {

    @TempDir
    Path dir;

    private TollgateConfig load(String yaml) throws IOException {
        Path file = dir.resolve("tollgate.yaml");
        Files.writeString(file, yaml);
        return new ConfigLoader(Map.of()).load(Optional.of(file));
    }

    private static TollgateConfig fromEnv(Map<String, String> env) {
        return new ConfigLoader(env).load(Optional.empty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"\"", "''", "null"})
    void anExplicitlyEmptyPrefix_servesPlainNames_onAnOpenAiCompatibleProvider(String empty) throws IOException {
        TollgateConfig config = load("""
                providers:
                  - name: openai-backup
                    kind: openai_compatible
                    base_url: https://backup.example.com/v1
                    prefix: %s
                    models: ["gpt-*"]
                """.formatted(empty));

        ProviderConfig backup = config.providers().getFirst();
        assertThat(backup.prefix()).isEmpty();
        assertThat(backup.upstreamName("gpt-4o-mini")).isEqualTo("gpt-4o-mini");
        assertThat(backup.upstreamName("openai-backup/gpt-4o-mini")).isNull();
        assertThat(backup.upstreamName("claude-haiku-4-5")).isNull();
    }

    @Test
    void withoutAPrefixSetting_anOpenAiCompatibleProviderKeepsItsNamePrefix() throws IOException {
        ProviderConfig box = load("""
                providers:
                  - {name: box, kind: openai_compatible, base_url: "http://127.0.0.1:8000/v1", models: ["gpt-*"]}
                """).providers().getFirst();

        assertThat(box.prefix()).isEqualTo("box/");
        assertThat(box.upstreamName("box/gpt-4o-mini")).isEqualTo("gpt-4o-mini");
        assertThat(box.upstreamName("gpt-4o-mini")).isNull();
    }

    @Test
    void aCatchAllWithoutPrefix_servesEveryName_afterTheProvidersBeforeIt() throws IOException {
        TollgateConfig config = load("""
                providers:
                  - {name: openai, kind: openai, api_key: sk-test}
                  - {name: anything, kind: openai_compatible, base_url: "http://127.0.0.1:9/v1", prefix: "", models: ["*"]}
                """);

        assertThat(config.providers()).extracting(p -> p.upstreamName("mistral-large")).containsExactly(null, "mistral-large");
        assertThat(config.providers()).extracting(p -> p.upstreamName("gpt-4o")).containsExactly("gpt-4o", "gpt-4o");
    }

    @ParameterizedTest
    @CsvSource({
            "http://127.0.0.1:8080, http://127.0.0.1:8080/v1beta",
            "http://127.0.0.1:8080/, http://127.0.0.1:8080/v1beta",
            "https://proxy.example.com/google, https://proxy.example.com/google/v1beta",
            "http://127.0.0.1:8080/v1beta, http://127.0.0.1:8080/v1beta",
            "http://127.0.0.1:8080/v1beta/, http://127.0.0.1:8080/v1beta",
            "http://127.0.0.1:8080/v1, http://127.0.0.1:8080/v1",
            "http://127.0.0.1:8080/v1alpha, http://127.0.0.1:8080/v1alpha",
            "https://proxy.example.com/v1beta/extra, https://proxy.example.com/v1beta/extra"})
    void geminiBaseUrl_withoutAVersion_getsV1beta(String given, String used) throws IOException {
        assertThat(fromEnv(Map.of("GEMINI_BASE_URL", given, "GEMINI_API_KEY", "g-key")).providers().getFirst().baseUrl())
                .isEqualTo(URI.create(used));
        assertThat(load("providers:\n  - {name: g, kind: gemini, base_url: \"" + given + "\"}\n").providers().getFirst().baseUrl())
                .isEqualTo(URI.create(used));
    }

    @Test
    void aVersionlessPath_isLeftAloneForOtherKinds() throws IOException {
        assertThat(load("providers:\n  - {name: a, kind: anthropic, base_url: \"http://127.0.0.1:8080\"}\n")
                .providers().getFirst().baseUrl()).isEqualTo(URI.create("http://127.0.0.1:8080"));
    }

    @Test
    void defaultModel_comesFromALaterProvider_whenTheFirstOnlyHasGlobs() throws IOException {
        assertThat(load("""
                providers:
                  - {name: local, kind: ollama}
                  - {name: openai, kind: openai, api_key: sk-test}
                """).defaultModel()).isEqualTo("gpt-4o-mini");
        assertThat(load("""
                providers:
                  - {name: local, kind: ollama}
                  - {name: box, kind: vllm, models: ["*", qwen2.5]}
                """).defaultModel()).isEqualTo("vllm/qwen2.5");
    }

    @Test
    void aKindsDefaultModel_countsOnlyWhenTheProviderStillServesIt() throws IOException {
        assertThat(load("""
                providers:
                  - {name: reasoning, kind: openai, api_key: sk-test, models: ["o3*"]}
                  - {name: anthropic, kind: anthropic, api_key: sk-ant-test}
                """).defaultModel()).isEqualTo("claude-haiku-4-5");
        assertThat(load("""
                providers:
                  - {name: local, kind: ollama}
                  - {name: other, kind: lmstudio}
                """).defaultModel()).as("no provider names a concrete model").isEmpty();
    }

    @Test
    void responsesApi_passesThroughToOpenAiByDefault_andTranslatesForEveryOtherKind() throws IOException {
        TollgateConfig config = load("""
                providers:
                  - {name: openai, kind: openai, api_key: sk-x}
                  - {name: mirror, kind: openai, api_key: sk-y, prefix: "mirror/", responses_api: translate}
                  - {name: box, kind: openai_compatible, base_url: "http://127.0.0.1:8000/v1"}
                  - {name: vllm, kind: vllm, responses_api: passthrough}
                  - {name: anthropic, kind: anthropic, api_key: sk-z}
                """);

        assertThat(config.providers()).extracting(ProviderConfig::name, ProviderConfig::responsesPassthrough).containsExactly(
                org.assertj.core.groups.Tuple.tuple("openai", true), org.assertj.core.groups.Tuple.tuple("mirror", false),
                org.assertj.core.groups.Tuple.tuple("box", false), org.assertj.core.groups.Tuple.tuple("vllm", true),
                org.assertj.core.groups.Tuple.tuple("anthropic", false));
    }

    @Test
    void responsesApi_passthroughToAnUpstreamThatCannotServeIt_orAnUnknownMode_isAProblemWithItsPath() {
        assertThatThrownBy(() -> load("""
                providers:
                  - {name: anthropic, kind: anthropic, api_key: sk-z, responses_api: passthrough}
                  - {name: openai, kind: openai, api_key: sk-x, responses_api: sometimes}
                """))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("providers[0].responses_api: passthrough, but a provider of kind anthropic does not serve OpenAI's Responses API")
                .hasMessageContaining("providers[1].responses_api: 'sometimes' (expected: passthrough or translate)");
    }
}
