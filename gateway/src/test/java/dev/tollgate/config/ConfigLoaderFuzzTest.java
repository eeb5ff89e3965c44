package dev.tollgate.config;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import dev.tollgate.BoundedTime;

/**
 * Fuzzes the YAML configuration loader ({@code tollgate serve --config}, {@code tollgate config check}):
 * any file becomes a configuration or a {@link ConfigException} with the list of problems, never
 * another exception (which would be a stack trace at start-up), within bounded time.
 */
class ConfigLoaderFuzzTest {

    private static final ConfigLoader LOADER = new ConfigLoader(Map.of("OPENAI_API_KEY", "sk-test", "PORT", "4000"));

    @FuzzTest(maxDuration = "30s")
    void anyYaml_isAConfigOrAConfigException(byte[] yaml) {
        BoundedTime.run(() -> {
            try {
                Path file = Files.createTempFile("tollgate-fuzz-", ".yaml");
                try {
                    Files.write(file, yaml);
                    LOADER.load(Optional.of(file));
                } catch (ConfigException expected) {
                    // listed problems, exit code 2
                } finally {
                    Files.delete(file);
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }
}
