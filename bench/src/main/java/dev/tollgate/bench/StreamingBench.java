package dev.tollgate.bench;

import dev.tollgate.testing.MockResponse;
import dev.tollgate.testing.MockUpstream;
import dev.tollgate.testing.OpenAiFixtures;
import dev.tollgate.testing.TollgateProcess;
import java.io.BufferedReader;
import java.io.InputStream;
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
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Streaming: time to the first content token through the gateway versus straight from the mock
 * upstream (alternating, one stream at a time), the same harness's non-streamed calls for comparison (what
 * any call costs in this layout), then how much memory the gateway process holds with {@code streams}
 * streams open at once.
 *
 * <p>Usage: {@code StreamingBench [samples=2000] [streams=2000]} ({@code samples=0} measures only the open streams, {@code streams=0} only the time to the first token; run from the
 * repository root with a file-descriptor limit above four per stream, e.g. {@code ulimit -n 65536}; starts
 * {@code gateway/target/tollgate.jar serve} as a child process).
 */
public final class StreamingBench {

    private static final String BODY = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String PLAIN_BODY = BODY.replace("\"stream\":true", "\"stream\":false");

    private StreamingBench() {
    }

    public static void main(String[] args) throws Exception {
        int samples = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
        int streams = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
        try (MockUpstream mock = new MockUpstream().start()) {
            Path dir = Files.createTempDirectory("tollgate-streaming-bench");
            Path config = dir.resolve("tollgate.yaml");
            Files.writeString(config, """
                    server: {host: 127.0.0.1, port: 0}
                    data_dir: %s
                    providers:
                      - {name: openai, kind: openai, base_url: "%s", api_key: sk-mock}
                    """.formatted(dir.resolve("data"), mock.baseUrl()));
            // -Dgateway.javaOptions="..." reaches the gateway process only (e.g. -Xmx or -XX:NativeMemoryTracking=summary).
            String gatewayOptions = System.getProperty("gateway.javaOptions");
            Process gateway = TollgateProcess.start(gatewayOptions == null ? Map.of() : Map.of("JAVA_TOOL_OPTIONS", gatewayOptions),
                    "serve", "--config", config.toString());
            try {
                int port = TollgateProcess.awaitPort(gateway);
                URI viaGateway = URI.create("http://127.0.0.1:" + port + "/v1/chat/completions");
                URI direct = URI.create(mock.baseUrl() + "/chat/completions");
                if (samples > 0) {
                    ttft(direct, viaGateway, samples);
                }
                if (streams > 0) {
                    openStreams(mock, viaGateway, streams, gateway.pid());
                }
            } finally {
                gateway.destroy();
                gateway.waitFor(20, TimeUnit.SECONDS);
            }
        }
    }

    private static void ttft(URI direct, URI viaGateway, int samples) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (int i = 0; i < 500; i++) {
            firstToken(http, direct);
            firstToken(http, viaGateway);
        }
        long[] d = new long[samples];
        long[] g = new long[samples];
        for (int i = 0; i < samples; i++) {
            d[i] = firstToken(http, direct);
            g[i] = firstToken(http, viaGateway);
        }
        print("time to first token, %d streams each, one at a time:".formatted(samples), d, g);
        // The same harness without streaming: what any call costs here, to tell streaming's share from the layout's.
        for (int i = 0; i < samples; i++) {
            d[i] = wholeAnswer(http, direct);
            g[i] = wholeAnswer(http, viaGateway);
        }
        print("for comparison, the whole answer without streaming (stream: false), %d calls each:".formatted(samples), d, g);
    }

    private static void print(String title, long[] d, long[] g) {
        Arrays.sort(d);
        Arrays.sort(g);
        System.out.println(title);
        System.out.printf("  direct   p50 %.3f ms  p99 %.3f ms%n", pct(d, 50), pct(d, 99));
        System.out.printf("  gateway  p50 %.3f ms  p99 %.3f ms%n", pct(g, 50), pct(g, 99));
        System.out.printf("  overhead p50 %+.3f ms  p99 %+.3f ms%n", pct(g, 50) - pct(d, 50), pct(g, 99) - pct(d, 99));
    }

    /** Nanoseconds from sending a non-streamed request to having read its whole answer. */
    private static long wholeAnswer(HttpClient http, URI uri) throws Exception {
        long start = System.nanoTime();
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(PLAIN_BODY)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("a plain call answered " + r.statusCode());
        }
        return System.nanoTime() - start;
    }

    /** Nanoseconds from sending the request to reading the first event with generated text. */
    private static long firstToken(HttpClient http, URI uri) throws Exception {
        long start = System.nanoTime();
        HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(BODY)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        long first = -1;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (first < 0 && line.contains("\"content\":\"Hello")) {
                    first = System.nanoTime() - start;
                }
            }
        }
        return first;
    }

    private static void openStreams(MockUpstream mock, URI viaGateway, int streams, long gatewayPid) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        mock.fallback(req -> MockResponse.sse(OpenAiFixtures.chunks("gpt-4o-mini", List.of("Hello", " there"), null))
                .withGateAfterFirstEvent(release));
        long before = rssKb(gatewayPid);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        CountDownLatch opened = new CountDownLatch(streams);
        AtomicInteger failed = new AtomicInteger();
        AtomicReference<String> firstFailure = new AtomicReference<>();
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
            clients.add(Thread.ofVirtual().start(() -> {
                try {
                    HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(viaGateway).timeout(Duration.ofSeconds(120))
                            .POST(HttpRequest.BodyPublishers.ofString(BODY)).build(), HttpResponse.BodyHandlers.ofInputStream());
                    try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                        in.readLine();
                        opened.countDown();
                        in.lines().forEach(l -> { });
                    }
                } catch (Exception e) {
                    if (failed.getAndIncrement() == 0) {
                        firstFailure.set(e.toString());
                    }
                    opened.countDown();
                }
            }));
        }
        boolean all = opened.await(120, TimeUnit.SECONDS);
        Thread.sleep(2_000);
        long during = rssKb(gatewayPid);
        release.countDown();
        for (Thread t : clients) {
            t.join(60_000);
        }
        System.out.printf("%d streams open at once (%d failed%s, all answered within 120 s: %s): gateway RSS %d MB before, %d MB with"
                + " them open (+%d MB)%n", streams - failed.get(), failed.get(), failed.get() == 0 ? "" : ", first: " + firstFailure.get(),
                all, before / 1024, during / 1024, (during - before) / 1024);
    }

    private static long rssKb(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    private static double pct(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, sorted.length * p / 100)] / 1e6;
    }
}
