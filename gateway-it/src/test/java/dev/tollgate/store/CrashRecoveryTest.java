package dev.tollgate.store;

import static dev.tollgate.testing.TollgateProcess.awaitPort;
import static dev.tollgate.testing.TollgateProcess.start;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.MockUpstream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway process killed with SIGKILL under concurrent load loses no usage event of a response its
 * clients received completely, and records none twice: the journal written before each answer's last
 * byte is replayed on the next start.
 */
class CrashRecoveryTest {


    @RegisterExtension
    static final MockUpstream upstream = new MockUpstream();

    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void killDashNine_underLoad_losesNoEventOfACompletedResponse() throws Exception {
        Path config = dir.resolve("tollgate.yaml");
        Files.writeString(config, """
                server: {host: 127.0.0.1, port: 0}
                data_dir: %s
                ledger:
                  batch_linger_ms: 1000   # many answered calls are still queued, not stored, when the kill comes
                providers:
                  - {name: openai, kind: openai, base_url: "%s", api_key: sk-upstream}
                """.formatted(dir.resolve("data"), upstream.baseUrl()));
        Process gateway = start(Map.of(), "serve", "--config", config.toString());
        int port = awaitPort(gateway);

        Set<String> completed = ConcurrentHashMap.newKeySet();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch warmedUp = new CountDownLatch(1_000);
        List<Thread> clients = new ArrayList<>();
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            for (int t = 0; t < 32; t++) {
                int thread = t;
                clients.add(Thread.ofPlatform().start(() -> load(http, port, thread, completed, stop, warmedUp)));
            }
            assertThat(warmedUp.await(60, TimeUnit.SECONDS)).isTrue();
            gateway.destroyForcibly();
            assertThat(gateway.waitFor(20, TimeUnit.SECONDS)).isTrue();
            stop.set(true);
            for (Thread c : clients) {
                c.join(10_000);
            }
        }
        assertThat(completed).hasSizeGreaterThanOrEqualTo(1_000);

        Process restarted = start(Map.of(), "serve", "--config", config.toString());
        awaitPort(restarted);
        restarted.destroy();
        assertThat(restarted.waitFor(30, TimeUnit.SECONDS)).isTrue();

        Map<String, Integer> stored = eventsPerRequest(dir.resolve("data").resolve("tollgate.db"));
        for (String id : completed) {
            assertThat(stored.get(id)).as("events stored for completed request %s", id).isEqualTo(1);
        }
        assertThat(stored.values()).containsOnly(1);
    }

    private static void load(HttpClient http, int port, int thread, Set<String> completed, AtomicBoolean stop, CountDownLatch warmedUp) {
        for (int i = 0; !stop.get(); i++) {
            String id = "crash-" + thread + "-" + i;
            boolean stream = i % 3 == 0;
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                    .timeout(Duration.ofSeconds(5)).header("X-Tollgate-Request-Id", id)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o-mini\",\"stream\":" + stream
                            + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + id + "\"}]}"))
                    .build();
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                boolean whole = response.statusCode() == 200
                        && (stream ? response.body().endsWith("data: [DONE]\n\n") : response.body().endsWith("}"));
                if (whole) {
                    completed.add(id);
                    warmedUp.countDown();
                }
            } catch (IOException e) {
                // The gateway was killed mid-request: this response never completed, so it is not counted.
                if (stop.get()) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static Map<String, Integer> eventsPerRequest(Path db) throws Exception {
        Map<String, Integer> out = new HashMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             ResultSet rs = c.createStatement().executeQuery("SELECT request_id, count(*) FROM usage_events GROUP BY request_id")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getInt(2));
            }
        }
        return out;
    }


}
