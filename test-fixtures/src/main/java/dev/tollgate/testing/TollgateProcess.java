package dev.tollgate.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The runnable jar in a child process, as a user runs it: for tests of the command line and of what
 * survives a {@code kill -9}. The child gets a clean environment (no provider or Tollgate variables of
 * the machine), plus {@code env}.
 */
public final class TollgateProcess {

    /** The jar the gateway module builds, seen from a sibling module's directory. */
    public static final Path JAR = Path.of("..", "gateway", "target", "tollgate.jar").toAbsolutePath().normalize();
    private static final Pattern SERVING = Pattern.compile("serving on http://localhost:(\\d+)");

    private TollgateProcess() {
    }

    /** Starts {@code tollgate ARGS…}; stdout and stderr are merged. */
    public static Process start(Map<String, String> env, String... args) {
        return start(true, env, args);
    }

    /** Starts {@code tollgate ARGS…} with stderr (the log) apart from stdout (where it says where it serves). */
    public static Process startWithLogApart(Map<String, String> env, String... args) {
        return start(false, env, args);
    }

    private static Process start(boolean merged, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "-jar", JAR.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(merged);
        builder.environment().keySet().removeIf(k -> k.startsWith("OPENAI_") || k.startsWith("TOLLGATE_")
                || k.endsWith("_BASE_URL") || k.equals("DEFAULT_AI_MODEL") || k.endsWith("_API_KEY"));
        builder.environment().putAll(env);
        try {
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    /** Reads the output until the gateway says where it serves; returns the port and keeps draining the rest. */
    public static int awaitPort(Process process) {
        BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        try {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                seen.append(line).append('\n');
                Matcher m = SERVING.matcher(line);
                if (m.find()) {
                    Thread.ofVirtual().start(() -> reader.lines().forEach(l -> { }));
                    return Integer.parseInt(m.group(1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new AssertionError("the gateway never said where it serves:\n" + seen);
    }

    /** All the output of a process that ends by itself. */
    public static String readAll(Process process) {
        try (InputStream in = process.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
