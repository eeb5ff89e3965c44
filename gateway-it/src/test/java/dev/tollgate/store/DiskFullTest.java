package dev.tollgate.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.Gateway;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.ServerConfig;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.testing.MockUpstream;
import java.io.IOException;
import java.io.OutputStream;
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
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.json.JsonMapper;

/**
 * A gateway whose data directory is a small tmpfs that fills up, as the probe's did: callers still get
 * their answers (plain and streamed, no 500 after the upstream was paid), {@code /ready} reports the
 * failure, and once space returns everything recovers by itself: {@code /ready} is 200 again, every call
 * is in the ledger exactly once, the journal holds no torn line, and a restart replays nothing twice.
 *
 * <p>Mounting needs root (CI has it); elsewhere the test is skipped unless {@code TOLLGATE_REQUIRE_TMPFS=1}.
 */
class DiskFullTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String CHAT = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String STREAM = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @RegisterExtension
    static final MockUpstream upstream = new MockUpstream();

    private static Path mount;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Gateway gateway;

    @BeforeAll
    static void mountTmpfs() throws Exception {
        mount = Files.createTempDirectory("tollgate-tmpfs-");
        int exit = run("mount", "-t", "tmpfs", "-o", "size=12m,mode=0700", "tollgate-test", mount.toString());
        if (exit != 0) {
            Files.delete(mount);
            mount = null;
            String why = "cannot mount a tmpfs here (needs root): the disk-full test did not run";
            if ("1".equals(System.getenv("TOLLGATE_REQUIRE_TMPFS"))) {
                throw new AssertionError(why + ", and TOLLGATE_REQUIRE_TMPFS=1 requires it");
            }
            Assumptions.abort(why);
        }
    }

    @AfterAll
    static void unmount() throws Exception {
        if (mount != null) {
            run("umount", "-l", mount.toString());
            Files.deleteIfExists(mount);
        }
    }

    @AfterEach
    void stop() throws IOException {
        if (gateway != null) {
            gateway.close();
        }
        try (Stream<Path> files = Files.list(mount)) {
            for (Path p : files.toList()) {
                deleteTree(p);
            }
        }
    }

    @Test
    void diskFull_callersGetTheirAnswers_readyFails_andEverythingRecoversOnceSpaceReturns() throws Exception {
        Path data = mount.resolve("data");
        gateway = start(data);
        assertThat(post(CHAT).statusCode()).isEqualTo(200);
        assertThat(get("/ready").statusCode()).isEqualTo(200);
        gateway.ledger().flush();

        DiskFiller filler = new DiskFiller(mount.resolve("filler"));
        List<String> requestIds = new ArrayList<>();
        // More events than the slack of the journal's last page holds (~600 bytes each, 4 KiB pages).
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> plain = post(CHAT);
            assertThat(plain.statusCode()).as("a plain call on a full disk: %s", plain.body()).isEqualTo(200);
            assertThat(JSON.readTree(plain.body()).path("choices").get(0).path("message").path("content").asString()).isNotBlank();
            requestIds.add(plain.headers().firstValue("x-tollgate-request-id").orElseThrow());
            HttpResponse<String> streamed = post(STREAM);
            assertThat(streamed.statusCode()).isEqualTo(200);
            assertThat(streamed.body()).as("a stream on a full disk ends properly").contains("Hello!").endsWith("data: [DONE]\n\n");
            requestIds.add(streamed.headers().firstValue("x-tollgate-request-id").orElseThrow());
        }
        await().atMost(10, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> assertThat(get("/ready").statusCode()).as("/ready reports the full disk").isEqualTo(503));
        assertThat(get("/health").statusCode()).as("the process is alive").isEqualTo(200);

        filler.close();

        await().atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertThat(get("/ready").statusCode()).as("/ready recovers by itself").isEqualTo(200));
        assertThat(post(CHAT).statusCode()).isEqualTo(200);
        assertThat(storedRequestIds(gateway)).as("every call of the full-disk period, once").containsAll(requestIds)
                .doesNotHaveDuplicates().hasSize(22);
        assertNoTornLine(data.resolve("journal"));

        gateway.close();
        gateway = start(data);
        assertThat(storedRequestIds(gateway)).as("a restart replays nothing twice").doesNotHaveDuplicates().hasSize(22);
        List<UsageEvent> all = gateway.ledger().recent(100);
        assertThat(all).allSatisfy(e -> {
            assertThat(e.status()).isEqualTo(200);
            assertThat(e.usage().inputTokens()).isPositive();
        });
    }

    @Test
    void manyCallsOnAFullDisk_areAllStoredOnceSpaceReturns() throws Exception {
        Path data = mount.resolve("data");
        gateway = start(data);
        assertThat(post(CHAT).statusCode()).isEqualTo(200);
        gateway.ledger().flush();
        DiskFiller filler = new DiskFiller(mount.resolve("filler"));

        List<HttpResponse<String>> answers = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            answers.add(post(i % 2 == 0 ? CHAT : STREAM));
        }
        assertThat(answers).extracting(HttpResponse::statusCode).containsOnly(200);
        await().atMost(10, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(50)).until(() -> get("/ready").statusCode() == 503);
        filler.close();

        await().atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(100))
                .until(() -> get("/ready").statusCode() == 200);
        assertThat(storedRequestIds(gateway)).doesNotHaveDuplicates().hasSize(51);
    }

    private static List<String> storedRequestIds(Gateway g) {
        g.ledger().flush();
        return g.ledger().recent(10_000).stream().map(UsageEvent::requestId).toList();
    }

    private static void assertNoTornLine(Path journal) throws IOException {
        if (!Files.isDirectory(journal)) {
            return;
        }
        try (Stream<Path> files = Files.list(journal)) {
            for (Path segment : files.toList()) {
                String text = Files.readString(segment, StandardCharsets.UTF_8);
                assertThat(text.isEmpty() || text.endsWith("\n")).as("%s ends with a whole record", segment.getFileName()).isTrue();
                text.lines().forEach(line -> assertThat(JSON.readTree(line).path("id").asString()).isNotBlank());
            }
        }
    }

    /**
     * Keeps the file system full, as a runaway writer beside the gateway does: whatever space frees up
     * (SQLite drops its WAL when its last connection closes) is taken again at once. {@link #close()}
     * stops and deletes the filler, giving the space back.
     */
    private static final class DiskFiller implements AutoCloseable {
        private final Path file;
        private final Thread thread;
        private final java.util.concurrent.CountDownLatch full = new java.util.concurrent.CountDownLatch(1);
        private volatile boolean running = true;

        DiskFiller(Path file) throws InterruptedException {
            this.file = file;
            this.thread = Thread.ofPlatform().name("disk-filler").daemon(true).start(this::fill);
            assertThat(full.await(30, TimeUnit.SECONDS)).as("the tmpfs filled up").isTrue();
        }

        private void fill() {
            java.nio.ByteBuffer block = java.nio.ByteBuffer.allocate(64 * 1024);
            java.nio.ByteBuffer one = java.nio.ByteBuffer.allocate(1);
            try (java.nio.channels.FileChannel out = java.nio.channels.FileChannel.open(file,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.APPEND)) {
                while (running) {
                    try {
                        out.write(block.clear());
                    } catch (IOException noBlock) {
                        try {
                            out.write(one.clear());
                        } catch (IOException noByte) {
                            full.countDown();
                            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                        }
                    }
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public void close() throws Exception {
            running = false;
            thread.join(10_000);
            Files.delete(file);
        }
    }

    private Gateway start(Path data) {
        TollgateConfig config = load();
        return Gateway.start(config.withServer(new ServerConfig("127.0.0.1", 0, ServerConfig.DEFAULT_MAX_BODY_BYTES,
                ServerConfig.DEFAULT_MAX_HEADER_BYTES)).withDataDir(data));
    }

    private TollgateConfig load() {
        try {
            Path yaml = Files.createTempFile("tollgate-diskfull-", ".yaml");
            Files.writeString(yaml, """
                    providers:
                      - {name: openai, kind: openai, base_url: "${UPSTREAM}", api_key: sk-upstream}
                    ledger:
                      batch_linger_ms: 1
                    """);
            try {
                return new ConfigLoader(Map.of("UPSTREAM", upstream.baseUrl().toString())).load(Optional.of(yaml));
            } finally {
                Files.delete(yaml);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private HttpResponse<String> post(String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri("/v1/chat/completions")).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return gateway.baseUrl().resolve(path);
    }

    private static int run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().transferTo(OutputStream.nullOutputStream());
        return p.waitFor();
    }

    private static void deleteTree(Path p) throws IOException {
        try (Stream<Path> all = Files.walk(p)) {
            for (Path x : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        }
    }
}
