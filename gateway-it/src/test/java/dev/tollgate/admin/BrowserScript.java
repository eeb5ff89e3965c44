package dev.tollgate.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs a Node script of {@code dashboard-tests/} (playwright-core driving Debian's Chromium, or the official
 * openai package) and reads the observations it writes. Without Chromium, Node or the package's {@code node_modules} the calling
 * test is skipped, saying what is missing, unless {@code TOLLGATE_REQUIRE_BROWSER=1}, which fails it.
 */
public final class BrowserScript {

    private static final String CHROMIUM = System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium");
    private static final long TIMEOUT_SECONDS = 300;

    private BrowserScript() {
    }

    public static void requireOrSkip(Path tests) {
        if (!Files.isExecutable(Path.of(CHROMIUM))) {
            skipOrFail(CHROMIUM + " is missing (apt-get install chromium)");
        }
        requireNodeOrSkip(tests, "playwright-core");
    }

    /** Node and the test package's {@code module} (a script that needs no browser, such as the openai client's). */
    public static void requireNodeOrSkip(Path tests, String module) {
        if (!nodeWorks()) {
            skipOrFail("node is not on the PATH");
        } else if (!Files.isDirectory(tests.resolve("node_modules").resolve(module))) {
            skipOrFail(module + " is not installed (cd " + tests + " && npm ci)");
        }
    }

    private static void skipOrFail(String missing) {
        if ("1".equals(System.getenv("TOLLGATE_REQUIRE_BROWSER"))) {
            throw new AssertionError("the browser tests are required (TOLLGATE_REQUIRE_BROWSER=1), but " + missing);
        }
        Assumptions.abort("browser tests skipped: " + missing);
    }

    /** Runs {@code dashboard.test.mjs} with {@code env}; fails with the script's own words when it stops early. */
    static JsonNode run(Path tests, Path artifacts, Map<String, String> env) throws IOException, InterruptedException {
        return run(tests, "dashboard.test.mjs", artifacts, env);
    }

    /** Runs {@code script} of the test package with {@code env}; fails with the script's own words when it stops early. */
    public static JsonNode run(Path tests, String script, Path artifacts, Map<String, String> env) throws IOException, InterruptedException {
        if (Files.isDirectory(artifacts)) {
            try (var old = Files.walk(artifacts)) {
                old.sorted(java.util.Comparator.reverseOrder()).filter(f -> !f.equals(artifacts)).forEach(f -> f.toFile().delete());
            }
        }
        Files.createDirectories(artifacts);
        Path log = artifacts.resolve("node.log");
        ProcessBuilder pb = new ProcessBuilder("node", script).directory(tests.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        pb.environment().put("ARTIFACTS", artifacts.toString());
        pb.environment().put("CHROMIUM", CHROMIUM);
        Process p = pb.start();
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("the " + script + " script did not finish within " + TIMEOUT_SECONDS + " s; see " + log);
        }
        Path observations = artifacts.resolve("observations.json");
        assertThat(observations).as("observations of the dashboard script; its log: %s", Files.readString(log)).exists();
        JsonNode seen = JsonMapper.builder().build().readTree(observations.toFile());
        assertThat(p.exitValue()).as("the %s script stopped at: %s (log: %s; screenshot: %s)", script, seen.path("failed").asString()
                        + seen.path("failedAt").asString(),
                Files.readString(log), artifacts.resolve("failure.png")).isZero();
        return seen;
    }

    private static boolean nodeWorks() {
        try {
            Process p = new ProcessBuilder(List.of("node", "--version")).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
