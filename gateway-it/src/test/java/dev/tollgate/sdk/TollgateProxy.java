package dev.tollgate.sdk;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A hop between the SDK and a real gateway, to put Tollgate in the states the SDK must survive: each
 * request is forwarded to the gateway (so it is really stored), and its answer may be held back until
 * a latch opens (Tollgate slow: the SDK times out and sends the batch again) or replaced by a 503
 * before forwarding (Tollgate refusing).
 */
final class TollgateProxy implements AutoCloseable {

    /** What one request meets: forwarded and answered; forwarded, answer held; or refused unforwarded. */
    record Step(CountDownLatch hold, boolean refuse) {
        static Step holdAnswer(CountDownLatch hold) {
            return new Step(hold, false);
        }

        static Step refusal() {
            return new Step(null, true);
        }
    }

    private final URI target;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final HttpClient http = HttpClient.newHttpClient();
    private final BlockingQueue<Step> script = new LinkedBlockingQueue<>();
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger hungUp = new java.util.concurrent.atomic.AtomicInteger();

    TollgateProxy(int port, URI target) throws IOException {
        this.target = target;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    void enqueue(Step step) {
        script.add(step);
    }

    /** The request bodies received, in order. */
    List<String> bodies() {
        return bodies;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            bodies.add(new String(body, StandardCharsets.UTF_8));
            Step step = script.poll();
            if (step != null && step.refuse()) {
                answer(exchange, 503, "{\"error\":{\"message\":\"not ready\",\"type\":\"api_error\"}}");
                return;
            }
            HttpRequest.Builder forward = HttpRequest.newBuilder(target.resolve(exchange.getRequestURI().getPath()))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).header("Content-Type", "application/json");
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            if (auth != null) {
                forward.header("Authorization", auth);
            }
            HttpResponse<String> response = http.send(forward.build(), HttpResponse.BodyHandlers.ofString());
            if (step != null && step.hold() != null && !step.hold().await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never released a held answer");
            }
            answer(exchange, response.statusCode(), response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // The SDK gave up on a held answer and hung up: that is what the slow-Tollgate test provokes.
            hungUp.incrementAndGet();
        }
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
