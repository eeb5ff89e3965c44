package dev.tollgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code aliases:} section, and the Gemini provider from YAML and from environment variables. */
class AliasAndGeminiConfigTest {

    @TempDir
    Path dir;

    private TollgateConfig load(String yaml) throws IOException {
        Path file = dir.resolve("tollgate.yaml");
        Files.writeString(file, yaml);
        return new ConfigLoader(Map.of()).load(Optional.of(file));
    }

    private List<String> problems(String yaml) throws IOException {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> load(yaml));
        assertThat(e).as("expected the configuration to be rejected").isNotNull();
        return e.problems();
    }

    private static final String PROVIDERS = """
            providers:
              - {name: openai, kind: openai, api_key: sk-x}
              - {name: ollama, kind: ollama}
              - {name: gemini, kind: gemini, api_key: g-x}
            """;

    @Test
    void aliases_bindInFileOrder_singleNamesAndLists() throws IOException {
        TollgateConfig config = load(PROVIDERS + """
                aliases:
                  fast: gpt-4o-mini
                  smart: [ollama/llama3.2, gemini-2.5-pro, gpt-4o]
                """);

        assertThat(config.aliases()).containsExactly(
                Map.entry("fast", List.of("gpt-4o-mini")),
                Map.entry("smart", List.of("ollama/llama3.2", "gemini-2.5-pro", "gpt-4o")));
    }

    @Test
    void noAliases_isAnEmptyMap() throws IOException {
        assertThat(load(PROVIDERS).aliases()).isEmpty();
    }

    @Test
    void aliasTargetNoProviderServes_isAProblemNamingTheAlias() throws IOException {
        assertThat(problems(PROVIDERS + """
                aliases:
                  fast: claude-haiku-4-5
                  smart: [gpt-4o, mistral-large]
                """)).containsExactly(
                "aliases.fast: 'claude-haiku-4-5' is not served by any configured provider (expected: a model name matching "
                        + "a provider's models or prefix, such as gpt-…)",
                "aliases.smart[1]: 'mistral-large' is not served by any configured provider (expected: a model name matching "
                        + "a provider's models or prefix, such as gpt-…)");
    }

    @Test
    void aliasOfAnAlias_reservedNames_andEmptyTargets_areProblems() throws IOException {
        assertThat(problems(PROVIDERS + """
                aliases:
                  fast: gpt-4o-mini
                  faster: fast
                  auto: gpt-4o
                  nothing: []
                  wrong: {model: gpt-4o}
                """)).containsExactly(
                "aliases.faster: 'fast' is itself an alias (expected: a model name a provider serves)",
                "aliases.auto: 'auto' cannot be an alias (expected: a model name other than auto or tollgate)",
                "aliases.nothing: no target (expected: a model name, or a list of model names to try in order)",
                "aliases.wrong: expected a list of text values, found a mapping",
                "aliases.wrong: no target (expected: a model name, or a list of model names to try in order)");
    }

    @Test
    void aliasesThatIsNotAMapping_isAProblem() throws IOException {
        assertThat(problems(PROVIDERS + "aliases: [fast]\n")).containsExactly("aliases: expected a mapping, found a list");
    }

    @Test
    void geminiKind_hasGooglesBaseUrl_andServesGeminiNames() throws IOException {
        ProviderConfig gemini = load("providers:\n  - {name: google, kind: gemini, api_key: g-x}\n").providers().getFirst();

        assertThat(gemini.kind()).isEqualTo(ProviderKind.GEMINI);
        assertThat(gemini.baseUrl()).isEqualTo(URI.create("https://generativelanguage.googleapis.com/v1beta"));
        assertThat(gemini.models()).containsExactly("gemini-*");
        assertThat(gemini.prefix()).isEmpty();
        assertThat(gemini.upstreamName("gemini-2.5-flash")).isEqualTo("gemini-2.5-flash");
        assertThat(gemini.upstreamName("gpt-4o")).isNull();
    }

    @Test
    void geminiAlone_defaultsToGemini25Flash() throws IOException {
        assertThat(load("providers:\n  - {name: gemini, kind: gemini, api_key: g-x}\n").defaultModel()).isEqualTo("gemini-2.5-flash");
    }

    private static TollgateConfig fromEnv(Map<String, String> env) {
        return new ConfigLoader(env).load(Optional.empty());
    }

    @Test
    void geminiApiKey_configuresTheGeminiProvider() {
        ProviderConfig gemini = fromEnv(Map.of("GEMINI_API_KEY", "g-key-1")).providers().getFirst();

        assertThat(gemini.name()).isEqualTo("gemini");
        assertThat(gemini.kind()).isEqualTo(ProviderKind.GEMINI);
        assertThat(gemini.apiKey().orElseThrow().value()).isEqualTo("g-key-1");
        assertThat(gemini.baseUrl()).isEqualTo(URI.create("https://generativelanguage.googleapis.com/v1beta"));
    }

    @Test
    void googleApiKey_winsOverGeminiApiKey_asInGooglesSdks_andBaseUrlIsHonoured() {
        ProviderConfig gemini = fromEnv(Map.of("GEMINI_API_KEY", "g-key-1", "GOOGLE_API_KEY", "g-key-2",
                "GEMINI_BASE_URL", "http://127.0.0.1:9999/v1beta")).providers().getFirst();

        assertThat(gemini.apiKey().orElseThrow().value()).isEqualTo("g-key-2");
        assertThat(gemini.baseUrl()).isEqualTo(URI.create("http://127.0.0.1:9999/v1beta"));
    }

    @Test
    void openAiAndGeminiVariables_giveBothProviders_openAiFirst() {
        TollgateConfig config = fromEnv(Map.of("OPENAI_API_KEY", "sk-1", "GOOGLE_API_KEY", "g-2"));

        assertThat(config.providers()).extracting(ProviderConfig::name).containsExactly("openai", "gemini");
        assertThat(config.defaultModel()).isEqualTo("gpt-4o-mini");
    }
}
