package dev.tollgate.cli;

import static dev.tollgate.testing.TollgateProcess.awaitPort;
import static dev.tollgate.testing.TollgateProcess.readAll;
import static dev.tollgate.testing.TollgateProcess.start;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runnable jar as a user runs it: {@code demo} serves with no key and no network, {@code serve}
 * refuses a bad configuration with a clear message and no stack trace, {@code config check} explains.
 */
class LauncherTest {


    @TempDir
    Path dir;

    @Test
    @Timeout(60)
    void demo_servesTheSimulatedProvider_andRecordsUsageInItsDataDirectory() throws Exception {
        Process process = start(Map.of(), "demo", "--port", "0", "--data", dir.resolve("data").toString());
        try {
            int port = awaitPort(process);
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello, Tollgate!\"}]}"))
                    .build(), HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("\"object\":\"chat.completion\"").contains("Hello, Tollgate!");
            assertThat(response.headers().firstValue("x-tollgate-provider")).contains("simulated");
        } finally {
            process.destroy();
            assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(dir.resolve("data").resolve("tollgate.db")).exists();

        Process usage = start(Map.of(), "usage", "--data", dir.resolve("data").toString(), "--by", "model", "--period", "day");
        String table = readAll(usage);
        assertThat(usage.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(usage.exitValue()).isZero();
        assertThat(table).contains("by model").containsPattern("gpt-4o-mini\\s+1\\s+0\\s+\\d+\\s+\\d+\\s+0\\.0000\\d\\d")
                .containsPattern("TOTAL\\s+1\\s+0");
    }

    @Test
    @Timeout(60)
    void serve_withABadConfig_exitsWithTheProblems_andNoStackTrace() throws Exception {
        Path config = dir.resolve("bad.yaml");
        Files.writeString(config, """
                server:
                  port: 99999
                providers:
                  - name: local
                    kind: llamafile
                  - name: other
                    kind: openai_compatible
                    timeouts: {conect_ms: 5}
                """);

        Process process = start(Map.of(), "serve", "--config", config.toString());
        String output = readAll(process);

        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(output)
                .contains("server.port: 99999 (expected: 0 to 65535)")
                .contains("providers[0].kind: 'llamafile' (expected one of:")
                .contains("providers[1].base_url: missing")
                .contains("providers[1].timeouts.conect_ms: unknown setting")
                .doesNotContain("Exception")
                .doesNotContain("\tat ");
    }

    @Test
    @Timeout(60)
    void configCheck_explainsAnUnsetVariable_andAcceptsTheEnvironment() throws Exception {
        Path config = dir.resolve("env.yaml");
        Files.writeString(config, """
                providers:
                  - name: openai
                    kind: openai
                    api_key: ${MY_OPENAI_KEY}
                """);

        Process bad = start(Map.of(), "config", "check", "--config", config.toString());
        String badOutput = readAll(bad);
        Process good = start(Map.of("MY_OPENAI_KEY", "sk-from-env-123"), "config", "check", "--config", config.toString());
        String goodOutput = readAll(good);

        assertThat(bad.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(bad.exitValue()).isEqualTo(2);
        assertThat(badOutput).contains("providers[0].api_key: environment variable MY_OPENAI_KEY is not set");
        assertThat(good.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(good.exitValue()).isZero();
        assertThat(goodOutput).contains("OK").contains("provider openai: openai at https://api.openai.com/v1")
                .doesNotContain("sk-from-env-123");
    }

    @Test
    @Timeout(90)
    void keys_createListRevoke_workOnTheDataDirectory_andShowTheSecretOnce() throws Exception {
        String data = dir.resolve("data").toString();
        Process create = start(Map.of(), "keys", "create", "--data", data, "--org", "acme", "--name", "ci", "--scopes", "infer,analytics");
        String created = readAll(create);
        assertThat(create.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(create.exitValue()).as(created).isZero();
        Matcher secret = Pattern.compile("(tg-[A-Za-z0-9_-]{43})").matcher(created);
        Matcher id = Pattern.compile("key (key_[0-9a-f]+)").matcher(created);
        assertThat(secret.find()).as(created).isTrue();
        assertThat(id.find()).isTrue();

        Process list = start(Map.of(), "keys", "list", "--data", data);
        String listed = readAll(list);
        assertThat(list.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(listed).contains(id.group(1)).contains("acme").contains("active").doesNotContain(secret.group(1));

        Process revoke = start(Map.of(), "keys", "revoke", "--data", data, id.group(1));
        readAll(revoke);
        assertThat(revoke.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(revoke.exitValue()).isZero();
        Process after = start(Map.of(), "keys", "list", "--data", data, "--org", "acme");
        assertThat(readAll(after)).contains(id.group(1)).contains("revoked");
        assertThat(after.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"serve", "demo"})
    @Timeout(60)
    void aPortInUse_exitsNonZero_withOneLineNamingThePort(String command) throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("0.0.0.0", 0));
            int port = taken.getLocalPort();
            Process process = start(Map.of(), command, "--port", Integer.toString(port), "--data", dir.resolve("data").toString());
            try {
                // Its few lines fit the pipe's buffer, so waiting first cannot block it; a gateway that keeps
                // running fails here instead of hanging the read.
                boolean exited = process.waitFor(30, TimeUnit.SECONDS);
                if (!exited) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
                String output = readAll(process);
                assertThat(exited).as("exited by itself; output:%n%s", output).isTrue();
                assertThat(process.exitValue()).as(output).isEqualTo(3);
                assertThat(output.strip().lines()).as(output).containsExactly("tollgate: cannot start: port " + port
                        + " is already in use (on 0.0.0.0); stop what listens there, or choose another port with --port or TOLLGATE_PORT");
            } finally {
                process.destroyForcibly();
            }
        }
    }
}
