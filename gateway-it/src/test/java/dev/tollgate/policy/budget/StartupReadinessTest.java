package dev.tollgate.policy.budget;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.Gateway;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.ServerConfig;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.testing.MockResponse;
import dev.tollgate.testing.MockUpstream;
import dev.tollgate.testing.OpenAiFixtures;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Restarts with a budget created through the API and already exhausted, hammered from the first moment the
 * port answers: no call gets past the budget while the gateway starts, and admin calls never miss the
 * default org.
 */
class StartupReadinessTest {

    private static final int RESTARTS = 3;
    private static final int CLIENTS = 8;
    private static final int CALLS_EACH = 4;
    private static final String CHAT = "{\"model\":\"gpt-4o-mini\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @RegisterExtension
    static final MockUpstream upstream = new MockUpstream();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void anExhaustedApiBudget_holdsFromTheFirstAnswer_acrossRestarts() throws Exception {
        upstream.fallback(r -> MockResponse.json(200, OpenAiFixtures.chatCompletion("gpt-4o-mini", "ok", OpenAiFixtures.DEFAULT_USAGE)));
        Path dir = Files.createTempDirectory("tollgate-ready-");
        int port = freePort();
        URI base = URI.create("http://127.0.0.1:" + port);
        try (Gateway first = start(dir, port)) {
            HttpResponse<String> created = send(post(base, "/governance/budgets",
                    "{\"name\":\"two-a-day\",\"scope\":{\"agent\":\"hammer\"},\"metric\":\"requests\",\"period\":\"day\",\"limit\":2}"));
            assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
            for (int i = 0; i < 2; i++) {
                assertThat(send(post(base, "/v1/chat/completions", CHAT)).statusCode()).isEqualTo(200);
            }
            assertThat(send(post(base, "/v1/chat/completions", CHAT)).statusCode()).isEqualTo(429);
        }
        int upstreamCalls = upstream.requestCount();

        for (int restart = 0; restart < RESTARTS; restart++) {
            ConcurrentLinkedQueue<String> answers = new ConcurrentLinkedQueue<>();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> clients = new java.util.ArrayList<>();
                for (int c = 0; c < CLIENTS; c++) {
                    boolean admin = c == 0;
                    clients.add(pool.submit(() -> hammer(base, admin, answers)));
                }
                try (Gateway ignored = start(dir, port)) {
                    for (Future<?> f : clients) {
                        f.get(60, TimeUnit.SECONDS);
                    }
                }
            }
            assertThat(answers).hasSize(CLIENTS * CALLS_EACH);
            assertThat(answers).as("restart %d", restart).allSatisfy(a -> assertThat(a).matches("(chat 429|admin 200).*"));
        }
        assertThat(upstream.requestCount()).as("no call reached the upstream past the budget").isEqualTo(upstreamCalls);
    }

    /** Waits for the port to accept, then sends its calls at once; records "kind status body". */
    private Void hammer(URI base, boolean admin, ConcurrentLinkedQueue<String> answers) throws Exception {
        HttpRequest request = admin ? post(base, "/governance/api-keys", "{\"org_id\":\"default\",\"name\":\"k\",\"scopes\":[\"infer\"]}")
                : post(base, "/v1/chat/completions", CHAT);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int sent = 0;
        while (sent < CALLS_EACH) {
            HttpResponse<String> r;
            try {
                r = http.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (ConnectException notYet) {
                if (System.nanoTime() > deadline) {
                    throw notYet;
                }
                Thread.onSpinWait();
                continue;
            }
            answers.add((admin ? "admin " : "chat ") + r.statusCode() + " " + r.body());
            sent++;
        }
        return null;
    }

    private static Gateway start(Path dir, int port) throws IOException {
        Path file = dir.resolve("tollgate.yaml");
        Files.writeString(file, """
                providers:
                  - {name: openai, kind: openai, base_url: "%s", api_key: sk-upstream}
                """.formatted(upstream.baseUrl()));
        TollgateConfig config = new ConfigLoader(Map.of()).load(Optional.of(file));
        ServerConfig s = config.server();
        return Gateway.start(config.withServer(new ServerConfig("127.0.0.1", port, s.maxBodyBytes(), s.maxHeaderBytes())).withDataDir(dir));
    }

    private static HttpRequest post(URI base, String path, String body) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30)).header("x-tollgate-agent", "hammer")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
