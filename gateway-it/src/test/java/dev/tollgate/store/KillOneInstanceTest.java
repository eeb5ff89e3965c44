package dev.tollgate.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.MockUpstream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three instances on one PostgreSQL schema and one Redis prefix under concurrent load; one of them is killed
 * with SIGKILL while many of its answered calls are still queued for the database (a one-second batch linger).
 * After it restarts on its data directory, every response a client received completely is in the shared
 * ledger exactly once: the local journal is replayed into PostgreSQL, idempotently by event id.
 */
class KillOneInstanceTest {

    @RegisterExtension
    static final MockUpstream upstream = new MockUpstream();

    @TempDir
    Path dir;

    private SharedFleet fleet;

    @AfterEach
    void close() throws Exception {
        if (fleet != null) {
            fleet.close();
        }
    }

    private static final String SECTIONS = """
            ledger:
              batch_linger_ms: 1000   # many answered calls are still queued, not stored, when the kill comes
            providers:
              - {name: openai, kind: openai, base_url: "%s", api_key: sk-upstream}
            """;

    @Test
    @Timeout(240)
    void killDashNineOfOneInstance_underLoad_losesNoCompletedResponse_andStoresNoneTwice() throws Exception {
        fleet = new SharedFleet("kill", dir);
        String sections = SECTIONS.formatted(upstream.baseUrl());
        List<Integer> ports = fleet.start(3, sections);

        Set<String> completed = ConcurrentHashMap.newKeySet();
        Set<String> completedByVictim = ConcurrentHashMap.newKeySet();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch warmedUp = new CountDownLatch(600);
        List<Thread> clients = new ArrayList<>();
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            for (int t = 0; t < 24; t++) {
                int thread = t;
                int port = ports.get(t % 3);
                Set<String> mine = t % 3 == 1 ? completedByVictim : ConcurrentHashMap.newKeySet();
                clients.add(Thread.ofPlatform().start(() -> load(http, port, "kill-" + thread + "-", completed, mine, stop, warmedUp)));
            }
            assertThat(warmedUp.await(90, TimeUnit.SECONDS)).isTrue();
            fleet.kill(1);
            stop.set(true);
            for (Thread c : clients) {
                c.join(15_000);
            }
        }
        assertThat(completedByVictim).isNotEmpty();

        fleet.restart(1, sections);
        fleet.stopAll();

        Map<String, Integer> stored = fleet.eventsPerRequest();
        for (String id : completed) {
            assertThat(stored.get(id)).as("events stored for completed request %s", id).isEqualTo(1);
        }
        assertThat(stored.values()).containsOnly(1);
        assertThat(stored.keySet()).containsAll(completedByVictim);
    }

    private static void load(HttpClient http, int port, String prefix, Set<String> completed, Set<String> mine, AtomicBoolean stop,
                             CountDownLatch warmedUp) {
        for (int i = 0; !stop.get(); i++) {
            String id = prefix + i;
            boolean stream = i % 3 == 0;
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                    .timeout(Duration.ofSeconds(10)).header("X-Tollgate-Request-Id", id)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o-mini\",\"stream\":" + stream
                            + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + id + "\"}]}"))
                    .build();
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                boolean whole = response.statusCode() == 200
                        && (stream ? response.body().endsWith("data: [DONE]\n\n") : response.body().endsWith("}"));
                if (whole) {
                    completed.add(id);
                    mine.add(id);
                    warmedUp.countDown();
                }
            } catch (IOException e) {
                // The instance was killed mid-request: this response never completed, so it is not counted.
                if (stop.get()) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
