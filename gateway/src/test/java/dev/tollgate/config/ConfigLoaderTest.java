package dev.tollgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    private static final String OPENAI_KEY = "sk-proj-test-5f1c9e0a77";
    private static final String MASTER_KEY = "tg-master-93b1d2";

    @TempDir
    Path dir;

    private Path yaml(String text) throws IOException {
        Path file = dir.resolve("tollgate.yaml");
        Files.writeString(file, text);
        return file;
    }

    private static TollgateConfig load(Map<String, String> env, Path file) {
        return new ConfigLoader(env).load(Optional.of(file));
    }

    private static List<String> problemsOf(Map<String, String> env, Path file) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> load(env, file));
        assertThat(e).as("expected the configuration to be rejected").isNotNull();
        return e.problems();
    }

    private static ProviderConfig provider(TollgateConfig config, String name) {
        return config.providers().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void fullConfig_bindsEverySettingToItsRecord() throws IOException {
        Path file = yaml("""
                server:
                  host: 127.0.0.1
                  port: 8080
                  max_body_bytes: 2048
                  max_header_bytes: 4096
                data_dir: /var/lib/tollgate
                master_key: ${MASTER}
                default_model: ollama/llama3
                providers:
                  - name: openai
                    kind: openai
                    api_key: ${OPENAI_KEY}
                    headers:
                      OpenAI-Organization: org-123
                      X-Team: ${TEAM:-platform}
                    timeouts:
                      connect_ms: 1500
                      first_byte_ms: 30000
                      idle_ms: 5000
                  - name: ollama
                    kind: ollama
                  - kind: vllm
                    base_url: http://gpu-box:8000/v1/
                  - name: lmstudio
                    kind: lmstudio
                  - name: groq
                    kind: openai_compatible
                    base_url: https://api.groq.com/openai/v1
                    models: [llama-3.1-8b-instant, "mixtral-*"]
                  - name: sim
                    kind: simulated
                    simulated:
                      first_token_ms: 0
                      inter_token_ms: 0
                """);

        TollgateConfig config = load(Map.of("MASTER", MASTER_KEY, "OPENAI_KEY", OPENAI_KEY), file);

        assertThat(config.server()).isEqualTo(new ServerConfig("127.0.0.1", 8080, 2048, 4096));
        assertThat(config.dataDir()).isEqualTo(Path.of("/var/lib/tollgate"));
        assertThat(config.masterKey()).contains(new Secret(MASTER_KEY));
        assertThat(config.defaultModel()).isEqualTo("ollama/llama3");
        assertThat(config.providers()).extracting(ProviderConfig::name)
                .containsExactly("openai", "ollama", "vllm", "lmstudio", "groq", "sim");

        ProviderConfig openai = provider(config, "openai");
        assertThat(openai.kind()).isEqualTo(ProviderKind.OPENAI);
        assertThat(openai.baseUrl()).isEqualTo(URI.create("https://api.openai.com/v1"));
        assertThat(openai.apiKey()).contains(new Secret(OPENAI_KEY));
        assertThat(openai.prefix()).isEmpty();
        assertThat(openai.models()).contains("gpt-*").allMatch(m -> m.contains("*"));
        assertThat(openai.headers()).containsExactlyInAnyOrderEntriesOf(
                Map.of("OpenAI-Organization", "org-123", "X-Team", "platform"));
        assertThat(openai.timeouts()).isEqualTo(
                new TimeoutConfig(Duration.ofMillis(1500), Duration.ofMillis(30_000), Duration.ofMillis(5000)));

        ProviderConfig ollama = provider(config, "ollama");
        assertThat(ollama.kind()).isEqualTo(ProviderKind.OLLAMA);
        assertThat(ollama.baseUrl()).isEqualTo(URI.create("http://localhost:11434/v1"));
        assertThat(ollama.prefix()).isEqualTo("ollama/");
        assertThat(ollama.models()).containsExactly("*");
        assertThat(ollama.apiKey()).isEmpty();
        assertThat(ollama.headers()).isEmpty();
        assertThat(ollama.timeouts()).isEqualTo(TimeoutConfig.DEFAULTS);

        ProviderConfig vllm = provider(config, "vllm");
        assertThat(vllm.kind()).isEqualTo(ProviderKind.VLLM);
        assertThat(vllm.baseUrl()).as("trailing slash dropped").isEqualTo(URI.create("http://gpu-box:8000/v1"));
        assertThat(vllm.prefix()).isEqualTo("vllm/");

        ProviderConfig lmstudio = provider(config, "lmstudio");
        assertThat(lmstudio.baseUrl()).isEqualTo(URI.create("http://localhost:1234/v1"));
        assertThat(lmstudio.prefix()).isEqualTo("lmstudio/");

        ProviderConfig groq = provider(config, "groq");
        assertThat(groq.kind()).isEqualTo(ProviderKind.OPENAI_COMPATIBLE);
        assertThat(groq.baseUrl()).isEqualTo(URI.create("https://api.groq.com/openai/v1"));
        assertThat(groq.prefix()).isEqualTo("groq/");
        assertThat(groq.models()).containsExactly("llama-3.1-8b-instant", "mixtral-*");

        ProviderConfig sim = provider(config, "sim");
        assertThat(sim.kind()).isEqualTo(ProviderKind.SIMULATED);
        assertThat(sim.baseUrl()).isNull();
        assertThat(sim.simulated()).isEqualTo(new SimulatedConfig(Duration.ZERO, Duration.ZERO));
    }

    @Test
    void omittedSettings_takeTheirDefaults() throws IOException {
        TollgateConfig config = load(Map.of(), yaml("""
                providers:
                  - kind: ollama
                """));

        assertThat(config.server()).isEqualTo(new ServerConfig("0.0.0.0", ServerConfig.DEFAULT_PORT,
                ServerConfig.DEFAULT_MAX_BODY_BYTES, ServerConfig.DEFAULT_MAX_HEADER_BYTES));
        assertThat(config.dataDir()).isEqualTo(Path.of("./data"));
        assertThat(config.masterKey()).isEmpty();
        ProviderConfig ollama = config.providers().getFirst();
        assertThat(ollama.name()).isEqualTo("ollama");
        assertThat(ollama.simulated()).isEqualTo(SimulatedConfig.DEFAULTS);
    }

    @Test
    void explicitPrefix_overridesTheKindsDefault_andAnEmptyOneMeansNone() throws IOException {
        TollgateConfig config = load(Map.of(), yaml("""
                providers:
                  - name: local
                    kind: ollama
                    prefix: ""
                  - name: box
                    kind: vllm
                    prefix: gpu/
                """));

        assertThat(config.providers()).extracting(ProviderConfig::prefix).containsExactly("", "gpu/");
    }

    @Test
    void defaultModel_isGuessedFromTheFirstProvider_whenNotGiven() throws IOException {
        TollgateConfig explicitName = load(Map.of(), yaml("""
                providers:
                  - name: groq
                    kind: openai_compatible
                    base_url: https://api.groq.com/openai/v1
                    models: ["mixtral-*", llama-3.1-8b-instant]
                """));
        assertThat(explicitName.defaultModel()).isEqualTo("groq/llama-3.1-8b-instant");

        TollgateConfig openai = load(Map.of(), yaml("""
                providers:
                  - kind: openai
                """));
        assertThat(openai.defaultModel()).isEqualTo("gpt-4o-mini");

        TollgateConfig localOnly = load(Map.of(), yaml("""
                providers:
                  - kind: ollama
                """));
        assertThat(localOnly.defaultModel()).as("a local server's models are unknown: no guess").isEmpty();
    }

    @Test
    void unsetVariableWithoutDefault_isReportedWithItsPath() throws IOException {
        List<String> problems = problemsOf(Map.of(), yaml("""
                providers:
                  - name: openai
                    kind: openai
                    api_key: ${OPENAI_KEY}
                """));

        assertThat(problems).containsExactly(
                "providers[0].api_key: environment variable OPENAI_KEY is not set (write ${OPENAI_KEY:-} to make it optional)");
    }

    @Test
    void everyProblem_isCollectedWithItsFieldPath() throws IOException {
        List<String> problems = problemsOf(Map.of(), yaml("""
                server:
                  port: 70000
                providers:
                  - name: openai
                    kind: openai
                    timout: 5000
                  - name: weird
                    kind: banana
                  - name: custom
                    kind: openai_compatible
                  - name: openai
                    kind: openai
                """));

        assertThat(problems).containsExactly(
                "server.port: 70000 (expected: 0 to 65535)",
                "providers[0].timout: unknown setting (expected one of: api_key, base_url, circuit_breaker, headers, kind, limits, "
                        + "models, name, prefix, responses_api, retries, simulated, timeouts, weight)",
                "providers[1].kind: 'banana' (expected one of: openai, openai_compatible, ollama, vllm, lmstudio, "
                        + "anthropic, gemini, simulated)",
                "providers[2].base_url: missing (expected: the upstream's OpenAI-compatible base URL, "
                        + "e.g. http://127.0.0.1:8000/v1)",
                "providers[3].name: 'openai' is used by another provider (expected: unique names)");
    }

    @Test
    void nestedAndTopLevelMistakes_areReportedWithTheirPaths() throws IOException {
        List<String> problems = problemsOf(Map.of(), yaml("""
                servr: {}
                server:
                  port: eighty
                providers:
                  - name: bad name!
                    kind: ollama
                    base_url: ftp://files.example.com
                    timeouts:
                      idle_ms: 0
                      connect: 5
                  - just-a-string
                """));

        assertThat(problems).extracting(p -> p.substring(0, p.indexOf(':'))).containsExactly(
                "servr",
                "server.port",
                "providers[1]",
                "providers[0].name",
                "providers[0].base_url",
                "providers[0].timeouts.connect",
                "providers[0].timeouts.idle_ms");
        assertThat(problems).contains(
                "server.port: 'eighty' (expected: a whole number from 0 to 65535)",
                "providers[0].timeouts.idle_ms: 0 (expected: 1 to 3600000)",
                "providers[0].base_url: 'ftp://files.example.com' (expected: an http:// or https:// URL with a host)");
    }

    @Test
    void emptyProviderList_isAProblem() throws IOException {
        assertThat(problemsOf(Map.of(), yaml("providers: []\n")))
                .containsExactly("providers: empty (expected: at least one provider, or leave it out to use the simulated provider)");
    }

    @Test
    void invalidYaml_isReportedWithTheFileName() throws IOException {
        Path file = yaml("providers: [ {name: openai, kind: openai\nserver: :\n");

        assertThatThrownBy(() -> load(Map.of(), file))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(file + ": not valid YAML (");
    }

    @Test
    void topLevelThatIsNotAMapping_isRejected() throws IOException {
        assertThatThrownBy(() -> load(Map.of(), yaml("- openai\n- ollama\n")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("(top level): expected a mapping of settings");
    }

    @Test
    void missingFile_isReportedWithItsPath() {
        Path file = dir.resolve("nope.yaml");

        assertThatThrownBy(() -> load(Map.of(), file))
                .isInstanceOf(ConfigException.class)
                .hasMessage(file + ": no such file");
    }

    @Test
    void noProviders_meansTheSimulatedProviderAndItsModel() throws IOException {
        TollgateConfig config = load(Map.of(), yaml("server:\n  port: 4100\n"));

        assertThat(config.providers()).containsExactly(ProviderConfig.simulated(SimulatedConfig.DEFAULTS));
        assertThat(config.defaultModel()).isEqualTo("tollgate-sim");
    }

    @Test
    void fileWithOnlyComments_isTheDefaultConfiguration() throws IOException {
        TollgateConfig config = load(Map.of(), yaml("# nothing configured yet\n"));

        assertThat(config.providers()).containsExactly(ProviderConfig.simulated(SimulatedConfig.DEFAULTS));
        assertThat(config.server().port()).isEqualTo(ServerConfig.DEFAULT_PORT);
    }

    // Zero-config: no file, environment variables only.

    private static TollgateConfig fromEnv(Map<String, String> env) {
        return new ConfigLoader(env).load(Optional.empty());
    }

    @Test
    void noEnvironment_meansTheSimulatedProvider_andDefaultModelTollgateSim() {
        TollgateConfig config = fromEnv(Map.of());

        assertThat(config.providers()).hasSize(1);
        assertThat(config.providers().getFirst().kind()).isEqualTo(ProviderKind.SIMULATED);
        assertThat(config.providers().getFirst().name()).isEqualTo("simulated");
        assertThat(config.defaultModel()).isEqualTo("tollgate-sim");
        assertThat(config.server().port()).isEqualTo(ServerConfig.DEFAULT_PORT);
        assertThat(config.masterKey()).isEmpty();
    }

    @Test
    void openAiVariables_configureTheOpenAiProvider() {
        TollgateConfig config = fromEnv(Map.of(
                "OPENAI_API_KEY", OPENAI_KEY,
                "OPENAI_BASE_URL", "https://openai-proxy.internal/v1"));

        assertThat(config.providers()).hasSize(1);
        ProviderConfig openai = config.providers().getFirst();
        assertThat(openai.name()).isEqualTo("openai");
        assertThat(openai.kind()).isEqualTo(ProviderKind.OPENAI);
        assertThat(openai.apiKey()).contains(new Secret(OPENAI_KEY));
        assertThat(openai.baseUrl()).isEqualTo(URI.create("https://openai-proxy.internal/v1"));
        assertThat(openai.prefix()).isEmpty();
        assertThat(config.defaultModel()).isEqualTo("gpt-4o-mini");
    }

    @Test
    void anthropicKeyAlone_configuresTheAnthropicProviderWithItsOwnBaseUrl() {
        TollgateConfig config = fromEnv(Map.of("ANTHROPIC_API_KEY", "sk-ant-api03-test"));

        assertThat(config.providers()).hasSize(1);
        ProviderConfig anthropic = config.providers().getFirst();
        assertThat(anthropic.name()).isEqualTo("anthropic");
        assertThat(anthropic.kind()).isEqualTo(ProviderKind.ANTHROPIC);
        assertThat(anthropic.apiKey()).contains(new Secret("sk-ant-api03-test"));
        assertThat(anthropic.baseUrl()).isEqualTo(URI.create("https://api.anthropic.com"));
        assertThat(anthropic.models()).containsExactly("claude-*");
        assertThat(anthropic.prefix()).isEmpty();
        assertThat(config.defaultModel()).isEqualTo("claude-haiku-4-5");
    }

    @Test
    void anthropicBaseUrl_isUsed_andOpenAiStaysFirst() {
        TollgateConfig config = fromEnv(Map.of("OPENAI_API_KEY", OPENAI_KEY, "ANTHROPIC_API_KEY", "sk-ant-api03-test",
                "ANTHROPIC_BASE_URL", "https://anthropic-proxy.internal/"));

        assertThat(config.providers()).extracting(ProviderConfig::name).containsExactly("openai", "anthropic");
        assertThat(config.providers().get(1).baseUrl()).isEqualTo(URI.create("https://anthropic-proxy.internal"));
        assertThat(config.defaultModel()).isEqualTo("gpt-4o-mini");
    }

    @Test
    void openAiKeyAlone_usesOpenAisOwnBaseUrl() {
        ProviderConfig openai = fromEnv(Map.of("OPENAI_API_KEY", OPENAI_KEY)).providers().getFirst();

        assertThat(openai.baseUrl()).isEqualTo(URI.create("https://api.openai.com/v1"));
    }

    @Test
    void ollamaBaseUrl_configuresTheOllamaProvider() {
        TollgateConfig config = fromEnv(Map.of("OLLAMA_BASE_URL", "http://127.0.0.1:11434/v1"));

        assertThat(config.providers()).hasSize(1);
        ProviderConfig ollama = config.providers().getFirst();
        assertThat(ollama.name()).isEqualTo("ollama");
        assertThat(ollama.kind()).isEqualTo(ProviderKind.OLLAMA);
        assertThat(ollama.baseUrl()).isEqualTo(URI.create("http://127.0.0.1:11434/v1"));
        assertThat(ollama.prefix()).isEqualTo("ollama/");
        assertThat(ollama.apiKey()).isEmpty();
    }

    @Test
    void severalProviderVariables_giveProvidersInAFixedOrder() {
        TollgateConfig config = fromEnv(Map.of(
                "LM_STUDIO_BASE_URL", "http://127.0.0.1:1234/v1",
                "VLLM_BASE_URL", "http://127.0.0.1:8000/v1",
                "OLLAMA_BASE_URL", "http://127.0.0.1:11434/v1",
                "OPENAI_API_KEY", OPENAI_KEY));

        assertThat(config.providers()).extracting(ProviderConfig::kind).containsExactly(
                ProviderKind.OPENAI, ProviderKind.OLLAMA, ProviderKind.VLLM, ProviderKind.LMSTUDIO);
    }

    @Test
    void portMasterKeyAndDefaultModelVariables_areHonoured() {
        TollgateConfig config = fromEnv(Map.of(
                "TOLLGATE_PORT", "5111",
                "TOLLGATE_MASTER_KEY", MASTER_KEY,
                "DEFAULT_AI_MODEL", "ollama/qwen2.5",
                "OLLAMA_BASE_URL", "http://127.0.0.1:11434/v1"));

        assertThat(config.server().port()).isEqualTo(5111);
        assertThat(config.masterKey()).contains(new Secret(MASTER_KEY));
        assertThat(config.defaultModel()).isEqualTo("ollama/qwen2.5");
    }

    @Test
    void environmentValues_areTakenLiterally_notInterpolatedAgain() {
        // Generated keys may contain '$'; an environment value is data, not a template.
        String key = "pa$$w${rd";
        TollgateConfig config = fromEnv(Map.of("TOLLGATE_MASTER_KEY", key, "OPENAI_API_KEY", "sk-$HOME$$"));

        assertThat(config.masterKey()).contains(new Secret(key));
        assertThat(config.providers().getFirst().apiKey()).contains(new Secret("sk-$HOME$$"));
    }

    @Test
    void badPortVariable_isReportedAtServerPort() {
        assertThatThrownBy(() -> fromEnv(Map.of("TOLLGATE_PORT", "99999")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .containsExactly("server.port: 99999 (expected: 0 to 65535)"));
    }

    // Secrets stay out of text.

    @Test
    void secretToString_neverShowsTheValue() {
        assertThat(new Secret(OPENAI_KEY).toString()).doesNotContain(OPENAI_KEY).isEqualTo("Secret[****]");
    }

    @Test
    void emptySecret_isRejected() {
        assertThatThrownBy(() -> new Secret("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void configToStrings_doNotContainKeyValues() throws IOException {
        TollgateConfig config = load(Map.of("OPENAI_KEY", OPENAI_KEY, "MASTER", MASTER_KEY), yaml("""
                master_key: ${MASTER}
                providers:
                  - kind: openai
                    api_key: ${OPENAI_KEY}
                """));
        ProviderConfig openai = config.providers().getFirst();
        assertThat(openai.apiKey()).as("the key was loaded").contains(new Secret(OPENAI_KEY));

        assertThat(openai.toString()).doesNotContain(OPENAI_KEY).contains("Secret[****]");
        assertThat(config.toString()).doesNotContain(OPENAI_KEY).doesNotContain(MASTER_KEY);
    }
}
