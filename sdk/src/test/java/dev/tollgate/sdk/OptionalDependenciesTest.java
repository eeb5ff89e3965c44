package dev.tollgate.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The provider SDKs are optional: an application with only the SDK's classes (and the JDK) tracks calls,
 * and the JVM shutdown hook delivers what is queued when the application just exits. Runs on Java 17
 * where the machine has it ({@code /usr/lib/jvm/java-17-openjdk-amd64}), the SDK's minimum.
 */
class OptionalDependenciesTest {

    private static final Path JAVA_17 = Path.of("/usr/lib/jvm/java-17-openjdk-amd64/bin/java");

    @Test
    void theGenericForm_runsWithoutAnyProviderSdk_andTheShutdownHookDeliversTheEvent() throws Exception {
        try (FakeTollgate tollgate = FakeTollgate.start()) {
            String java = Files.isExecutable(JAVA_17) ? JAVA_17.toString() : ProcessHandle.current().info().command().orElse("java");
            String classPath = Path.of("target", "classes").toAbsolutePath() + File.pathSeparator + Path.of("target", "test-classes").toAbsolutePath();
            Process process = new ProcessBuilder(java, "-cp", classPath, CoreOnlyApp.class.getName(), tollgate.baseUrl().toString())
                    .redirectErrorStream(true).start();

            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();

            assertThat(process.exitValue()).as(output).isZero();
            assertThat(output).contains("answer 42 on Java " + (Files.isExecutable(JAVA_17) ? "17." : ""));
            assertThat(tollgate.requests()).hasSize(1);
            assertThat(tollgate.requests().get(0).path("events").get(0).path("agent").asString()).isEqualTo("core-only");
            assertThat(tollgate.authorizations()).containsExactly("Bearer tg-core-only");
        }
    }
}
