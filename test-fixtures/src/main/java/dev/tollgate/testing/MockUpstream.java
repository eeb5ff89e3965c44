package dev.tollgate.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A mock LLM provider on loopback (JDK HTTP server, so streamed events leave exactly when scripted),
 * in the manner of OkHttp's MockWebServer: {@link #enqueue} scripted answers, {@link #takeRequest} what
 * arrived. With nothing enqueued it answers like OpenAI from {@link #fallback}.
 *
 * <p>As a JUnit extension it starts before all tests of a class, stops after them, and forgets queued
 * answers and recorded requests before each test.
 */
public final class MockUpstream implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AutoCloseable {

    private final BlockingQueue<MockResponse> script = new LinkedBlockingQueue<>();
    private final BlockingQueue<RecordedRequest> requests = new LinkedBlockingQueue<>();
    private final AtomicInteger requestCount = new AtomicInteger();
    private final AtomicInteger brokenByClient = new AtomicInteger();
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile Function<RecordedRequest, MockResponse> fallback = OpenAiFixtures::answer;
    private HttpServer server;
    private ExecutorService executor;

    public MockUpstream start() {
        // Without TCP_NODELAY the JDK server holds back each small event until the previous one is acked,
        // which adds the peer's delayed-ACK time (~40 ms) to timings. Read once, before the first server.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the mock upstream", e);
        }
        executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        return this;
    }

    /** The OpenAI-style base URL, ending in {@code /v1}. */
    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public void enqueue(MockResponse response) {
        script.add(response);
    }

    /** Answers used when nothing is enqueued; by default OpenAI-shaped answers built from the request. */
    public void fallback(Function<RecordedRequest, MockResponse> answer) {
        this.fallback = answer;
    }

    /** The next request received, waiting up to 10 s for it. */
    public RecordedRequest takeRequest() {
        try {
            RecordedRequest r = requests.poll(10, TimeUnit.SECONDS);
            if (r == null) {
                throw new AssertionError("the mock upstream received no request within 10 s");
            }
            return r;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Every request received so far, in arrival order, without taking them. */
    public List<RecordedRequest> received() {
        return List.copyOf(requests);
    }

    public int requestCount() {
        return requestCount.get();
    }

    /** Responses the client (the gateway) hung up on while they were being written. */
    public int brokenByClient() {
        return brokenByClient.get();
    }

    public void reset() {
        script.clear();
        requests.clear();
        requestCount.set(0);
        brokenByClient.set(0);
        fallback = OpenAiFixtures::answer;
    }

    private void handle(HttpExchange exchange) throws IOException {
        RecordedRequest request = record(exchange);
        requests.add(request);
        requestCount.incrementAndGet();
        MockResponse response = script.poll();
        if (response == null) {
            response = fallback.apply(request);
        }
        try {
            respond(exchange, response);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            brokenByClient.incrementAndGet();
            throw e;
        } finally {
            exchange.close();
        }
    }

    private static RecordedRequest record(HttpExchange exchange) throws IOException {
        long at = System.nanoTime();
        Map<String, List<String>> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        return new RecordedRequest(exchange.getRequestMethod(), exchange.getRequestURI().toString(), headers, body, at);
    }

    private void respond(HttpExchange exchange, MockResponse r) throws IOException, InterruptedException {
        sleep(r.headersDelay());
        r.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        OutputStream out = exchange.getResponseBody();
        if (r.events() == null) {
            plainBody(exchange, r, out);
            return;
        }
        exchange.sendResponseHeaders(r.status(), 0);
        out.flush();
        for (int i = 0; i < r.events().size(); i++) {
            if (i == r.faultAfter() && faulted(r.fault(), out)) {
                return;
            }
            if (i > 0) {
                sleep(r.eventGap());
            }
            out.write(frame(r.events().get(i)).getBytes(StandardCharsets.UTF_8));
            out.flush();
            if (i == 0 && r.gate() != null && !r.gate().await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never released the stream's gate");
            }
        }
        if (r.events().size() <= r.faultAfter()) {
            faulted(r.fault(), out);
        }
    }

    private void plainBody(HttpExchange exchange, MockResponse r, OutputStream out) throws IOException, InterruptedException {
        if (r.fault() == MockResponse.Fault.NONE) {
            exchange.sendResponseHeaders(r.status(), r.body().length == 0 ? -1 : r.body().length);
            out.write(r.body());
            return;
        }
        exchange.sendResponseHeaders(r.status(), 0);
        out.write(r.body(), 0, r.body().length / 2);
        out.flush();
        faulted(r.fault(), out);
    }

    /**
     * One event on the wire. A payload is written as {@code data: payload}; an entry that already is an
     * event block ({@code event: message_start\ndata: {...}}, as Anthropic sends) is written as it is.
     */
    static String frame(String event) {
        boolean block = event.startsWith("event:") || event.startsWith("data:") || event.startsWith(":") || event.startsWith("id:");
        return (block ? event : "data: " + event) + "\n\n";
    }

    /** Applies a fault; returns true when the response must end here. */
    private boolean faulted(MockResponse.Fault fault, OutputStream out) throws InterruptedException {
        switch (fault) {
            case NONE -> {
                return false;
            }
            case STALL -> {
                closing.await(60, TimeUnit.SECONDS);
                return true;
            }
            case TRUNCATE -> {
                return true;
            }
            case RESET -> throw new MockReset();
            default -> throw new IllegalStateException("unknown fault " + fault);
        }
    }

    /** Thrown out of the handler so the JDK server drops the connection without ending the body. */
    private static final class MockReset extends RuntimeException {
        MockReset() {
            super("scripted connection reset", null, false, false);
        }
    }

    private static void sleep(Duration d) throws InterruptedException {
        if (!d.isZero()) {
            Thread.sleep(d);
        }
    }

    @Override
    public void close() {
        closing.countDown();
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        reset();
    }
}
