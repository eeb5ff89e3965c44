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

/** {@code metrics:} and {@code logging:}, from YAML, from {@code TOLLGATE_LOG_FORMAT}, and which wins. */
class ObservabilityConfigTest {

    @TempDir
    Path dir;

    private TollgateConfig load(String yaml, Map<String, String> env) throws IOException {
        Path file = dir.resolve("tollgate.yaml");
        Files.writeString(file, yaml);
        return new ConfigLoader(env).load(Optional.of(file));
    }

    @Test
    void withoutTheSections_metricsAreOpen_andLogsAreText() throws IOException {
        assertThat(load("default_model: tollgate-sim\n", Map.of()).observability()).isEqualTo(ObservabilityConfig.DEFAULTS);
        assertThat(new ConfigLoader(Map.of()).load(Optional.empty()).observability()).isEqualTo(ObservabilityConfig.DEFAULTS);
    }

    @Test
    void theSections_bind() throws IOException {
        ObservabilityConfig o = load("metrics: {require_key: true}\nlogging: {format: JSON}\n", Map.of()).observability();
        assertThat(o.metricsRequireKey()).isTrue();
        assertThat(o.logFormat()).isEqualTo(ObservabilityConfig.LogFormat.JSON);
    }

    @Test
    void theEnvironmentSetsTheFormat_andTheFileWins() throws IOException {
        Map<String, String> env = Map.of("TOLLGATE_LOG_FORMAT", "json");
        assertThat(new ConfigLoader(env).load(Optional.empty()).observability().logFormat()).isEqualTo(ObservabilityConfig.LogFormat.JSON);
        assertThat(load("default_model: tollgate-sim\n", env).observability().logFormat()).isEqualTo(ObservabilityConfig.LogFormat.JSON);
        assertThat(load("logging: {format: text}\n", env).observability().logFormat()).isEqualTo(ObservabilityConfig.LogFormat.TEXT);
    }

    @Test
    void mistakes_areReportedWithTheirPaths() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> load("logging: {format: xml, colour: true}\nmetrics: {require_key: maybe}\n", Map.of()));
        assertThat(e).isNotNull();
        assertThat(String.join("\n", e.problems())).contains("logging.format: 'xml' (expected: text or json)")
                .contains("logging.colour").contains("metrics.require_key");
        ConfigException fromEnv = catchThrowableOfType(ConfigException.class,
                () -> new ConfigLoader(Map.of("TOLLGATE_LOG_FORMAT", "yaml")).load(Optional.empty()));
        assertThat(String.join("\n", fromEnv.problems())).contains("logging.format: 'yaml'");
    }
}
