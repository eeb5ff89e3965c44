package dev.tollgate.policy.budget;

import dev.tollgate.Gateway;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.ServerConfig;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.model.BudgetSnapshot;
import dev.tollgate.pipeline.PipelineListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real gateway started the way {@code tollgate serve} starts it, with a clock the test may control and a
 * listener recording budget snapshots; it can be restarted on the same data directory.
 */
final class BudgetGateway implements AutoCloseable {

    static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path dir;
    private final String yaml;
    private final Map<String, String> env;
    private final Clock clock;
    final List<BudgetSnapshot> snapshots = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Gateway gateway;

    BudgetGateway(String yaml, Map<String, String> env, Clock clock) {
        this.yaml = yaml;
        this.env = Map.copyOf(env);
        this.clock = clock;
        try {
            this.dir = Files.createTempDirectory("tollgate-budget-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        start();
    }

    private void start() {
        try {
            Path file = dir.resolve("tollgate.yaml");
            Files.writeString(file, yaml);
            TollgateConfig config = new ConfigLoader(env).load(Optional.of(file));
            ServerConfig s = config.server();
            PipelineListener recording = new PipelineListener() {
                @Override
                public void budgetSettled(BudgetSnapshot snapshot) {
                    snapshots.add(snapshot);
                }
            };
            gateway = Gateway.start(config.withServer(new ServerConfig("127.0.0.1", 0, s.maxBodyBytes(), s.maxHeaderBytes())).withDataDir(dir),
                    List.of(recording), clock);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the gateway (the ledger drains) and starts a new one on the same data directory. */
    void restart() {
        gateway.close();
        start();
    }

    Gateway gateway() {
        return gateway;
    }

    HttpResponse<String> post(String path, String body, String... headers) {
        return send(HttpRequest.newBuilder(gateway.baseUrl().resolve(path)).POST(HttpRequest.BodyPublishers.ofString(body)), headers);
    }

    HttpResponse<String> put(String path, String body, String... headers) {
        return send(HttpRequest.newBuilder(gateway.baseUrl().resolve(path)).PUT(HttpRequest.BodyPublishers.ofString(body)), headers);
    }

    HttpResponse<String> delete(String path, String... headers) {
        return send(HttpRequest.newBuilder(gateway.baseUrl().resolve(path)).DELETE(), headers);
    }

    HttpResponse<String> get(String path, String... headers) {
        return send(HttpRequest.newBuilder(gateway.baseUrl().resolve(path)).GET(), headers);
    }

    /** A chat call for {@code agent}. */
    HttpResponse<String> chat(String agent, String model, int maxTokens, String prompt) {
        String body = "{\"model\":\"" + model + "\",\"max_tokens\":" + maxTokens + ",\"temperature\":0.9,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}";
        return post("/v1/chat/completions", body, "x-tollgate-agent", agent);
    }

    /** The {@code used} of the agent's budget for {@code provider} (or the first budget when null), from the API. */
    long used(String agent, String provider) {
        JsonNode status = json(get("/api/token-usage/provider-status/" + agent));
        for (JsonNode p : status.path("providers")) {
            if (provider == null || provider.equals(p.path("provider").asString(null))) {
                return p.path("used").asLong();
            }
        }
        throw new AssertionError("no budget of agent " + agent + " for provider " + provider + " in " + status);
    }

    /** Runs {@code calls} copies of {@code call} released at once, on virtual threads; their responses, in order. */
    static List<HttpResponse<String>> burst(int calls, java.util.concurrent.Callable<HttpResponse<String>> call) throws Exception {
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.Future<HttpResponse<String>>> running = new java.util.ArrayList<>();
        try (java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < calls; i++) {
                running.add(pool.submit(() -> {
                    go.await();
                    return call.call();
                }));
            }
            go.countDown();
        }
        List<HttpResponse<String>> out = new java.util.ArrayList<>();
        for (java.util.concurrent.Future<HttpResponse<String>> f : running) {
            out.add(f.get());
        }
        return out;
    }

    static JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }

    private HttpResponse<String> send(HttpRequest.Builder builder, String... headers) {
        builder.timeout(Duration.ofSeconds(30));
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        try {
            return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        // Test classes share one JVM: drop the closed gateway (its tokenizers and price map) for the collector.
        if (gateway != null) {
            gateway.close();
            gateway = null;
        }
        http.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
