package dev.tollgate.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The README's build command where the default {@code java} is older than 25 and {@code JAVA_HOME} is
 * unset: Maven runs on that java and the toolchains plugin finds the JDK 25 (here, where one is
 * installed in a standard place); with no matching JDK the build stops at once, naming the version.
 */
class ToolchainBuildTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    /** A JDK older than 25 under /usr/lib/jvm, to run Maven with as a machine's default java. */
    private static Path olderJdk() throws IOException {
        Path jvms = Path.of("/usr/lib/jvm");
        Assumptions.assumeTrue(Files.isDirectory(jvms), "no /usr/lib/jvm on this machine");
        try (Stream<Path> dirs = Files.list(jvms)) {
            return dirs.filter(d -> d.getFileName().toString().matches("(java-17|java-21|temurin-17|temurin-21).*")
                            && Files.isExecutable(d.resolve("bin/java")))
                    .sorted().findFirst()
                    .orElseGet(() -> {
                        Assumptions.abort("no JDK 17 or 21 under /usr/lib/jvm to play the older default java");
                        return null;
                    });
        }
    }

    private static Result maven(Path jdk, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(ROOT.resolve("mvnw").toString(), "-B", "-q", "-o", "-pl", "test-fixtures"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true);
        builder.environment().remove("JAVA_HOME");
        builder.environment().remove("MAVEN_OPTS");
        builder.environment().put("PATH", jdk.resolve("bin") + ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), output);
    }

    record Result(int exit, String output) {
    }

    @Test
    @Timeout(300)
    void validate_onAnOlderDefaultJava_findsTheJdk25Toolchain() throws Exception {
        Path jdk = olderJdk();

        Result result = maven(jdk, "validate");

        assertThat(result.exit()).as(result.output()).isZero();
    }

    @Test
    @Timeout(300)
    void withoutAMatchingJdk_theBuildStopsAtOnce_namingTheVersionItLookedFor() throws Exception {
        Path jdk = olderJdk();

        Result result = maven(jdk, "validate", "-Dtollgate.jdk.version=[99,)");

        assertThat(result.exit()).isNotZero();
        assertThat(result.output()).contains("Cannot find matching toolchain definitions").contains("version=[99,)");
    }
}
