package dev.tollgate.cli;

import static dev.tollgate.testing.TollgateProcess.awaitPort;
import static dev.tollgate.testing.TollgateProcess.readAll;
import static dev.tollgate.testing.TollgateProcess.start;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.model.Usage;
import dev.tollgate.testing.MockResponse;
import dev.tollgate.testing.MockUpstream;
import dev.tollgate.testing.OpenAiFixtures;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The real jar under SIGTERM: in-flight streams finish and are in the ledger, exit is bounded, and a data directory has one owner. */
class ShutdownTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String STREAM = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"count\"}]}";

    @RegisterExtension
    static final MockUpstream upstream = new MockUpstream();

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Path config(long graceMs) throws Exception {
        Path file = dir.resolve("tollgate.yaml");
        Files.writeString(file, """
                server: {port: 0, shutdown_grace_ms: %d}
                data_dir: "%s"
                providers:
                  - {name: openai, kind: openai, base_url: "%s", api_key: sk-upstream}
                """.formatted(graceMs, dir.resolve("data"), upstream.baseUrl()));
        return file;
    }

    @Test
    @Timeout(90)
    void sigterm_letsAnInFlightStreamFinish_andItIsInTheLedgerAfterRestart_whileNewCallsAreRefused() throws Exception {
        List<String> pieces = List.of("one", " two", " three", " four", " five", " six");
        upstream.enqueue(MockResponse.sse(OpenAiFixtures.chunks("gpt-4o-mini", pieces, new Usage(9, 6, 0, 0, false)))
                .withEventGap(Duration.ofMillis(300)));
        Path config = config(10_000);
        Process gateway = start(Map.of(), "serve", "--config", config.toString());
        int port = awaitPort(gateway);
        CountDownLatch streaming = new CountDownLatch(1);
        CompletableFuture<List<String>> lines = CompletableFuture.supplyAsync(() -> read(port, streaming));
        assertThat(streaming.await(20, TimeUnit.SECONDS)).isTrue();

        long stopping = System.nanoTime();
        gateway.destroy();
        String refused = firstRefusal(port);
        List<String> received = lines.get(30, TimeUnit.SECONDS);
        assertThat(gateway.waitFor(20, TimeUnit.SECONDS)).isTrue();
        long tookMs = (System.nanoTime() - stopping) / 1_000_000;

        assertThat(refused).as("a new call while draining").startsWith("503 ").contains("shutting_down");
        assertThat(received).as("the stream ran to its end").contains("data: [DONE]");
        assertThat(String.join("\n", received)).contains("six");
        assertThat(tookMs).as("no longer than the stream needed, well within the grace").isLessThan(10_000);
        Process again = start(Map.of(), "serve", "--config", config.toString());
        try {
            int next = awaitPort(again);
            HttpResponse<String> recent = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + next + "/analytics/recent-inferences"))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            JsonNode events = JSON.readTree(recent.body()).path("data");
            assertThat(events).as(recent.body()).singleElement().satisfies(e -> {
                assertThat(e.path("status").asInt()).isEqualTo(200);
                assertThat(e.path("output_tokens").asLong()).isEqualTo(6);
            });
        } finally {
            again.destroy();
            again.waitFor(20, TimeUnit.SECONDS);
        }
    }

    @Test
    @Timeout(90)
    void aStreamLongerThanTheGrace_isCut_andTheProcessExitsWithinTheBound() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        upstream.enqueue(MockResponse.sse(OpenAiFixtures.chunks("gpt-4o-mini", List.of("a", "b"), new Usage(9, 2, 0, 0, false)))
                .withGateAfterFirstEvent(never));
        Process gateway = start(Map.of(), "serve", "--config", config(1_000).toString());
        int port = awaitPort(gateway);
        CountDownLatch streaming = new CountDownLatch(1);
        CompletableFuture.runAsync(() -> read(port, streaming));
        assertThat(streaming.await(20, TimeUnit.SECONDS)).isTrue();

        long stopping = System.nanoTime();
        gateway.destroy();
        assertThat(gateway.waitFor(20, TimeUnit.SECONDS)).isTrue();
        long tookMs = (System.nanoTime() - stopping) / 1_000_000;
        never.countDown();

        assertThat(tookMs).as("the grace of 1 s, then the cut and the ledger's flush").isBetween(1_000L, 8_000L);
    }

    @Test
    @Timeout(90)
    void aSecondInstanceOnTheSameDataDirectory_isRefusedWithOneLine() throws Exception {
        Path config = config(1_000);
        Process first = start(Map.of(), "serve", "--config", config.toString());
        try {
            awaitPort(first);
            Process second = start(Map.of(), "serve", "--config", config.toString());
            String output = readAll(second);

            assertThat(second.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(second.exitValue()).isNotZero();
            assertThat(output).contains("is in use by another Tollgate").doesNotContain("Exception").doesNotContain("\tat ");
            assertThat(output.lines().filter(l -> l.startsWith("tollgate: "))).hasSize(1);
        } finally {
            first.destroy();
            first.waitFor(20, TimeUnit.SECONDS);
        }
    }

    /** Asks /health until the draining gateway refuses it: "STATUS BODY", or "refused" once nothing listens. */
    private String firstRefusal(int port) throws Exception {
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).timeout(Duration.ofSeconds(5)).GET().build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = http.send(health, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    return r.statusCode() + " " + r.body();
                }
            } catch (java.io.IOException gone) {
                return "refused";
            }
        }
        return "still 200";
    }

    /** Streams one call; counts {@code streaming} down at the first content line; returns every line. */
    private List<String> read(int port, CountDownLatch streaming) {
        List<String> out = new ArrayList<>();
        try {
            HttpResponse<java.io.InputStream> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString(STREAM)).build(), HttpResponse.BodyHandlers.ofInputStream());
            try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    out.add(line);
                    if (line.startsWith("data: {")) {
                        streaming.countDown();
                    }
                }
            }
        } catch (Exception e) {
            out.add("(" + e.getClass().getSimpleName() + ")");
        }
        return out;
    }
}
