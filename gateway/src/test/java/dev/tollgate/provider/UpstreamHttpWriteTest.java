package dev.tollgate.provider;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.config.TimeoutConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Sending a request larger than the socket buffers can hold: bounded by the first-byte timeout when the
 * upstream stops reading, untouched when it reads. The upstream's receive buffer is kept small, so the
 * kernel cannot take a 16 MB request whole. The hang guards run the test on its own thread: a blocked
 * socket write does not answer an interrupt.
 */
class UpstreamHttpWriteTest {

    private static final String OK = "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok";
    private static final TimeoutConfig SHORT_FIRST_BYTE = new TimeoutConfig(Duration.ofSeconds(10), Duration.ofMillis(300), Duration.ofSeconds(30));

    private FakeUpstream upstream;
    private UpstreamHttp http;
    private final CountDownLatch testDone = new CountDownLatch(1);

    @AfterEach
    void close() throws IOException {
        testDone.countDown();
        if (http != null) {
            http.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    private void start(TimeoutConfig timeouts, FakeUpstream.Script script) throws IOException {
        ServerSocket server = new ServerSocket();
        server.setReceiveBufferSize(64 * 1024);
        upstream = new FakeUpstream(server, "http", script);
        http = FakeUpstream.client(timeouts, Map.of());
    }

    private static byte[] json(int size) {
        byte[] body = new byte[size];
        Arrays.fill(body, (byte) 'x');
        body[0] = '"';
        body[size - 1] = '"';
        return body;
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void anUpstreamThatStopsReadingALargeRequest_failsWithinTheFirstByteTimeout_andItsConnectionIsDropped() throws Exception {
        start(SHORT_FIRST_BYTE, (peer, i) -> {
            if (i == 0) {
                testDone.await(); // accepts, never reads
                return;
            }
            peer.keepAnswering(OK);
        });

        assertThatThrownBy(() -> http.complete(upstream.uri("/v1/chat/completions"), json(16 * 1024 * 1024), Map.of()))
                .isInstanceOfSatisfying(UpstreamException.class, e -> {
                    assertThat(e.kind()).isEqualTo(UpstreamException.Kind.FIRST_BYTE_TIMEOUT);
                    assertThat(e.getMessage()).isEqualTo("no answer from the provider 'fake' within 300 ms (first_byte_ms)");
                });
        assertThat(upstream.accepted()).as("not sent again").isEqualTo(1);

        assertThat(http.complete(upstream.uri("/v1/chat/completions"), "{}".getBytes(UTF_8), Map.of())).isEqualTo("ok".getBytes(UTF_8));
        assertThat(upstream.accepted()).as("the stuck connection was not kept for the next call").isEqualTo(2);
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aStreamedCallStuckInItsWrite_failsTheSameWay() throws Exception {
        start(SHORT_FIRST_BYTE, (peer, i) -> testDone.await());

        assertThatThrownBy(() -> http.stream(upstream.uri("/v1/chat/completions"), json(16 * 1024 * 1024), Map.of()))
                .isInstanceOf(UpstreamException.class).hasMessage("no answer from the provider 'fake' within 300 ms (first_byte_ms)");
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void largeRequestsToAnUpstreamThatReadsThem_succeed_andTheirWatchdogsNeverCloseTheKeptConnection() throws Exception {
        LinkedBlockingQueue<Integer> received = new LinkedBlockingQueue<>();
        start(new TimeoutConfig(Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofSeconds(30)), (peer, i) -> {
            for (FakeUpstream.Request request = peer.read(); request != null; request = peer.read()) {
                received.add(request.body().length);
                peer.write(OK);
            }
        });
        byte[] body = json(8 * 1024 * 1024);

        long lastDeadline = 0;
        for (int n = 0; n < 3; n++) {
            lastDeadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            assertThat(http.complete(upstream.uri("/v1/chat/completions"), body, Map.of())).isEqualTo("ok".getBytes(UTF_8));
            assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo(body.length);
        }
        long past = lastDeadline + Duration.ofMillis(500).toNanos();
        // Past every call's deadline: a watchdog left running would have closed the kept connection by now.
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> System.nanoTime() - past > 0);

        assertThat(http.complete(upstream.uri("/v1/chat/completions"), "{}".getBytes(UTF_8), Map.of())).isEqualTo("ok".getBytes(UTF_8));
        assertThat(upstream.accepted()).as("one connection for every call").isEqualTo(1);
        assertThat(upstream.failures()).isEmpty();
    }
}
