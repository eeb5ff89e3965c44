package dev.tollgate.sdk;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Tollgate's {@code POST /api/log} as the reporter sees it, on loopback: stores events by id as the
 * ledger does (a batch received twice is stored once), counts every receipt, and answers from a script
 * of {@link Answer}s (then 200). An answer may hold the response until a latch opens (a slow Tollgate).
 */
final class FakeTollgate implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** What the next request gets. {@code stored}: whether its events are stored before answering. */
    record Answer(int status, String body, CountDownLatch hold, boolean stored) {

        static Answer status(int status, String body) {
            return new Answer(status, body, null, false);
        }

        /** Stores the batch, then answers only when {@code hold} opens (or the client gave up). */
        static Answer slow(CountDownLatch hold) {
            return new Answer(200, "{\"accepted\":0}", hold, true);
        }
    }

    private final BlockingQueue<Answer> script = new LinkedBlockingQueue<>();
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final Map<String, JsonNode> stored = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> receipts = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger brokenByClient = new AtomicInteger();
    private volatile CountDownLatch arrived = new CountDownLatch(1);
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();

    private FakeTollgate(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        server.setExecutor(executor);
        server.createContext("/api/log", this::handle);
        server.start();
    }

    static FakeTollgate start() throws IOException {
        return new FakeTollgate(0);
    }

    /** On a given port: Tollgate coming back where it was. */
    static FakeTollgate startOn(int port) throws IOException {
        return new FakeTollgate(port);
    }

    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    void enqueue(Answer answer) {
        script.add(answer);
    }

    /** Opens when the next request arrives (re-armed by each call). */
    CountDownLatch nextArrival() {
        arrived = new CountDownLatch(1);
        return arrived;
    }

    List<JsonNode> requests() {
        return requests;
    }

    List<String> authorizations() {
        return authorizations;
    }

    Set<String> storedIds() {
        return Collections.unmodifiableSet(stored.keySet());
    }

    JsonNode stored(String id) {
        return stored.get(id);
    }

    int receipts(String id) {
        AtomicInteger n = receipts.get(id);
        return n == null ? 0 : n.get();
    }

    int inFlight() {
        return inFlight.get();
    }

    /** The event ids of each request, in arrival order. */
    List<List<String>> idsPerRequest() {
        List<List<String>> out = new ArrayList<>();
        for (JsonNode r : requests) {
            List<String> ids = new ArrayList<>();
            r.path("events").forEach(e -> ids.add(e.path("event_id").asString()));
            out.add(ids);
        }
        return out;
    }

    private void handle(HttpExchange exchange) throws IOException {
        inFlight.incrementAndGet();
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            JsonNode batch = JSON.readTree(body);
            requests.add(batch);
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            authorizations.add(auth == null ? "" : auth);
            batch.path("events").forEach(e -> receipts.computeIfAbsent(e.path("event_id").asString(), k -> new AtomicInteger()).incrementAndGet());
            arrived.countDown();
            Answer answer = script.poll();
            if (answer == null || answer.stored()) {
                batch.path("events").forEach(e -> stored.putIfAbsent(e.path("event_id").asString(), e));
            }
            if (answer != null && answer.hold() != null) {
                awaitQuietly(answer.hold());
            }
            int status = answer == null ? 200 : answer.status();
            byte[] out = (answer == null ? "{\"accepted\":" + batch.path("events").size() + "}" : answer.body()).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, out.length);
            try (OutputStream o = exchange.getResponseBody()) {
                o.write(out);
            }
        } catch (IOException e) {
            // The reporter gave up on a slow answer and closed the connection: expected in the slow-Tollgate tests.
            brokenByClient.incrementAndGet();
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private void awaitQuietly(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never released a slow answer");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
