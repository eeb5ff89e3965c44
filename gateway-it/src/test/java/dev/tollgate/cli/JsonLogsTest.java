package dev.tollgate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.testing.TollgateProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON log format, end to end: the real jar in a child process with {@code TOLLGATE_LOG_FORMAT=json}
 * or {@code logging: {format: json}} in its file. Every line on stderr parses as one JSON object; the
 * call's access line carries its request id, org, route, status and latency; the master key appears in
 * no line.
 */
class JsonLogsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String SECRET = "tg-json-logs-secret-key";

    @ParameterizedTest
    @ValueSource(strings = {"env", "file"})
    void everyLogLine_isJson_andTheCallsAccessLineCarriesItsRequestId(String how, @TempDir Path dir) throws Exception {
        Map<String, String> env = new java.util.HashMap<>(Map.of("TOLLGATE_PORT", "0", "TOLLGATE_DATA_DIR", dir.resolve("data").toString(),
                "TOLLGATE_MASTER_KEY", SECRET));
        Process process;
        if (how.equals("env")) {
            env.put("TOLLGATE_LOG_FORMAT", "json");
            process = TollgateProcess.startWithLogApart(env, "serve");
        } else {
            Path config = Files.writeString(dir.resolve("tollgate.yaml"), """
                    master_key: ${TOLLGATE_MASTER_KEY}
                    server: {port: 0}
                    data_dir: %s
                    logging: {format: json}
                    """.formatted(dir.resolve("data")));
            process = TollgateProcess.startWithLogApart(env, "serve", "--config", config.toString());
        }
        List<String> log = new CopyOnWriteArrayList<>();
        Thread.ofVirtual().start(() -> readLines(process, log));
        try {
            int port = TollgateProcess.awaitPort(process);
            String requestId = "req-json-" + how;
            HttpResponse<String> answer = call(port, requestId, SECRET);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            assertThat(answer.headers().firstValue("x-tollgate-request-id")).hasValue(requestId);
            assertThat(call(port, "req-json-refused", "tg-wrong").statusCode()).isEqualTo(401);
            await().atMost(Duration.ofSeconds(20)).until(() -> access(log, "req-json-refused").isPresent());
            JsonNode line = access(log, requestId).orElseThrow();
            assertThat(line.path("level").asString()).isEqualTo("INFO");
            assertThat(line.path("timestamp").isNumber()).isTrue();
            JsonNode mdc = line.path("mdc");
            assertThat(mdc.path("route").asString()).isEqualTo("POST /v1/chat/completions");
            assertThat(mdc.path("org").asString()).isEqualTo("default");
            assertThat(mdc.path("status").asString()).isEqualTo("200");
            assertThat(Long.parseLong(mdc.path("latency_ms").asString())).isNotNegative();
            assertThat(line.path("formattedMessage").asString()).startsWith("POST /v1/chat/completions 200 ");
            JsonNode refused = access(log, "req-json-refused").orElseThrow();
            assertThat(refused.path("mdc").path("status").asString()).isEqualTo("401");
            assertThat(refused.path("mdc").has("org")).isFalse();
        } finally {
            process.destroy();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(log).isNotEmpty();
        for (String l : log) {
            JsonNode parsed = JSON.readTree(l);
            assertThat(parsed.isObject()).as(l).isTrue();
            assertThat(parsed.path("loggerName").asString()).as(l).isNotEmpty();
            assertThat(l).doesNotContain(SECRET);
        }
    }

    private static Optional<JsonNode> access(List<String> log, String requestId) {
        return log.stream().map(JSON::readTree).filter(n -> n.path("loggerName").asString().equals("tollgate.access"))
                .filter(n -> requestId.equals(n.path("mdc").path("request_id").asString())).findFirst();
    }

    private static HttpResponse<String> call(int port, String requestId, String key) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .header("authorization", "Bearer " + key).header("x-tollgate-request-id", requestId)
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .timeout(Duration.ofSeconds(30)).build();
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        }
    }

    private static void readLines(Process process, List<String> into) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                into.add(line);
            }
        } catch (IOException e) {
            into.add("{\"loggerName\":\"test\",\"read failed\":\"" + e.getMessage() + "\"}");
        }
    }
}
