package dev.tollgate.testing;

import dev.tollgate.Gateway;
import dev.tollgate.StoreFactory;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.ServerConfig;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.pipeline.PipelineListener;
import dev.tollgate.store.UsageLedger;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real gateway per test class, on a random loopback port with its own data directory, configured by
 * YAML as a user would write it. Register it after the {@link MockUpstream} it points to:
 *
 * <pre>{@code
 * @RegisterExtension @Order(1) static final MockUpstream upstream = new MockUpstream();
 * @RegisterExtension @Order(2) static final GatewayExtension gateway = GatewayExtension.yaml("""
 *     providers:
 *       - {name: openai, kind: openai, base_url: "${UPSTREAM}", api_key: sk-upstream}
 *     """).env("UPSTREAM", () -> upstream.baseUrl().toString());
 * }</pre>
 */
public final class GatewayExtension implements BeforeAllCallback, AfterAllCallback {

    private final String yaml;
    private final Map<String, Supplier<String>> env = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Path dataDir;
    private Gateway gateway;
    private java.time.Clock clock = java.time.Clock.systemUTC();
    private final List<PipelineListener> listeners = new java.util.ArrayList<>();
    private StoreFactory stores;

    private GatewayExtension(String yaml) {
        this.yaml = yaml;
    }

    public static GatewayExtension yaml(String yaml) {
        return new GatewayExtension(yaml);
    }

    /** A gateway configured as {@code tollgate serve} without {@code --config}: from the {@link #env} values alone. */
    public static GatewayExtension envOnly() {
        return new GatewayExtension(null);
    }

    /** An environment variable the YAML can interpolate, evaluated when the gateway starts. */
    public GatewayExtension env(String name, Supplier<String> value) {
        env.put(name, value);
        return this;
    }

    /** The clock the gateway reads (windows, periods, alerts); a {@link FakeClock} lets a test move time. */
    public GatewayExtension clock(java.time.Clock value) {
        this.clock = value;
        return this;
    }

    /** A listener that hears every call, after the gateway's own (ledger, alerts). */
    public GatewayExtension listener(PipelineListener listener) {
        listeners.add(listener);
        return this;
    }

    /** The stores to open instead of the configured ones (a test wraps them to watch what is reserved and settled). */
    public GatewayExtension stores(StoreFactory factory) {
        this.stores = factory;
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        dataDir = Files.createTempDirectory("tollgate-test-");
        Optional<Path> file = Optional.empty();
        if (yaml != null) {
            file = Optional.of(dataDir.resolve("tollgate.yaml"));
            Files.writeString(file.get(), yaml);
        }
        Map<String, String> values = new LinkedHashMap<>();
        env.forEach((k, v) -> values.put(k, v.get()));
        TollgateConfig config = new ConfigLoader(values).load(file);
        ServerConfig s = config.server();
        TollgateConfig local = config.withServer(new ServerConfig("127.0.0.1", 0, s.maxBodyBytes(), s.maxHeaderBytes())).withDataDir(dataDir);
        gateway = Gateway.start(local, listeners, clock, stores == null ? StoreFactory.forConfig(local) : stores);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (gateway != null) {
            gateway.close();
            // Test classes keep their extensions in static fields for the whole run: dropping the closed
            // gateway lets its heap (token encodings, caches, pools) go, so the suite fits its -Xmx.
            gateway = null;
        }
        if (dataDir != null) {
            try (Stream<Path> files = Files.walk(dataDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    public Gateway gateway() {
        return gateway;
    }

    /** {@code http://127.0.0.1:PORT} */
    public URI baseUrl() {
        return gateway.baseUrl();
    }

    public UsageLedger ledger() {
        return gateway.ledger();
    }

    /** Every stored event, newest first, after the ledger has written what is queued. */
    public List<UsageEvent> events() {
        gateway.ledger().flush();
        return gateway.ledger().recent(100_000);
    }

    /** The stored event of one request id; fails unless there is exactly one. */
    public UsageEvent event(String requestId) {
        List<UsageEvent> found = events().stream().filter(e -> e.requestId().equals(requestId)).toList();
        if (found.size() != 1) {
            throw new AssertionError("expected exactly one usage event for " + requestId + ", found " + found.size());
        }
        return found.getFirst();
    }

    /** POSTs {@code body} with {@code headers} given as name, value, name, value, … */
    public HttpResponse<String> post(String path, String body, String... headers) {
        return send(HttpRequest.newBuilder(baseUrl().resolve(path)).POST(HttpRequest.BodyPublishers.ofString(body)), headers);
    }

    public HttpResponse<String> postBytes(String path, byte[] body, String... headers) {
        return send(HttpRequest.newBuilder(baseUrl().resolve(path)).POST(HttpRequest.BodyPublishers.ofByteArray(body)), headers);
    }

    public HttpResponse<String> get(String path, String... headers) {
        return send(HttpRequest.newBuilder(baseUrl().resolve(path)).GET(), headers);
    }

    /** Any method with a string body ({@code PATCH}, {@code PUT}, {@code DELETE}). */
    public HttpResponse<String> send(String method, String path, String body, String... headers) {
        return send(HttpRequest.newBuilder(baseUrl().resolve(path)).method(method, HttpRequest.BodyPublishers.ofString(body)), headers);
    }

    private HttpResponse<String> send(HttpRequest.Builder builder, String... headers) {
        builder.timeout(Duration.ofSeconds(30));
        if (headers.length % 2 != 0) {
            throw new IllegalArgumentException("headers come in name, value pairs");
        }
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
}
