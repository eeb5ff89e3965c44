package dev.tollgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.TollgateProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/tollgate} on a machine as it comes: the default {@code java} on PATH is older than 25 and
 * JAVA_HOME is unset, so the launcher must run the jar with the JDK the build's toolchain used, which
 * the build records in {@code gateway/target/build-java-settings.txt}. (A duplicate plugin declaration
 * once skipped that recording, and the README's first command then failed on a fresh machine.)
 */
class LauncherScriptTest {

    private static final Path ROOT = TollgateProcess.JAR.getParent().getParent().getParent();

    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void withAnOldJavaOnPath_andNoJavaHome_runsTheJarWithTheBuildsJdk() throws Exception {
        assertThat(ROOT.resolve("gateway/target/build-java-settings.txt")).as("recorded by the build").exists();
        // A stand-in for Debian's default java 17: says so to -XshowSettings, refuses to run anything else.
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path oldJava = bin.resolve("java");
        Files.writeString(oldJava, """
                #!/bin/sh
                if [ "$1" = "-XshowSettings:properties" ]; then echo "    java.specification.version = 17" >&2; exit 0; fi
                echo "this is the old java" >&2; exit 1
                """);
        Files.setPosixFilePermissions(oldJava, PosixFilePermissions.fromString("rwxr-xr-x"));

        ProcessBuilder builder = new ProcessBuilder(ROOT.resolve("bin/tollgate").toString(), "--version").redirectErrorStream(true);
        builder.environment().remove("JAVA_HOME");
        builder.environment().put("PATH", bin + ":/usr/bin:/bin");
        builder.environment().put("TOLLGATE_SEMANTIC", "off");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(output).doesNotContain("this is the old java").doesNotContain("needs Java 25");
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("tollgate 0.1.0");
    }
}
