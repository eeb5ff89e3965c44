package dev.tollgate.provider;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.config.TimeoutConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

/**
 * The blocking HTTP/1.1 client against an upstream that writes its answers byte for byte: how a request
 * goes on the wire, every body framing, error statuses, oversized and malformed answers, and the
 * first-byte and idle timeouts, each failure in today's words.
 */
class UpstreamHttpTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final byte[] BODY = "{\"model\":\"m\"}".getBytes(UTF_8);
    private static final String OK = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 11\r\n\r\n{\"id\":\"a1\"}";

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

    private UpstreamHttp start(TimeoutConfig timeouts, FakeUpstream.Script script) throws IOException {
        upstream = new FakeUpstream(script);
        http = FakeUpstream.client(timeouts, Map.of());
        return http;
    }

    private String complete() {
        return new String(http.complete(upstream.uri("/v1/chat/completions"), BODY, Map.of()), UTF_8);
    }

    @Test
    void aCall_isOnePostWithItsHeaders_theConfiguredOnesWinning_andNoUserAgent() throws Exception {
        LinkedBlockingQueue<FakeUpstream.Request> seen = new LinkedBlockingQueue<>();
        upstream = new FakeUpstream((peer, i) -> {
            seen.add(peer.read());
            peer.write(OK);
        });
        http = FakeUpstream.client(FakeUpstream.PATIENT, Map.of("X-Org", "configured", "Authorization", "Bearer configured"));

        byte[] answer = http.complete(upstream.uri("/v1/models/m:generate?alt=sse&x=%2F"), BODY,
                Map.of("authorization", "Bearer call", "anthropic-version", "2023-06-01"));

        assertThat(new String(answer, UTF_8)).isEqualTo("{\"id\":\"a1\"}");
        FakeUpstream.Request request = seen.take();
        assertThat(request.line()).isEqualTo("POST /v1/models/m:generate?alt=sse&x=%2F HTTP/1.1");
        assertThat(request.headers()).containsEntry("host", "127.0.0.1:" + upstream.uri("/").getPort())
                .containsEntry("content-type", "application/json").containsEntry("content-length", String.valueOf(BODY.length))
                .containsEntry("accept", "application/json").containsEntry("authorization", "Bearer configured")
                .containsEntry("anthropic-version", "2023-06-01").containsEntry("x-org", "configured")
                .doesNotContainKey("user-agent");
        assertThat(request.body()).isEqualTo(BODY);
        assertThat(upstream.failures()).isEmpty();
    }

    @Test
    void chunkedBody_withExtensionsAndTrailers_isReadWhole() throws Exception {
        start(FakeUpstream.PATIENT, (peer, i) -> peer.keepAnswering("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n"
                + "5;name=value\r\nhello\r\n6\r\n world\r\n0\r\nx-checksum: 1\r\nx-more: 2\r\n\r\n"));

        assertThat(complete()).isEqualTo("hello world");
        assertThat(complete()).as("the trailers were read, so the connection is in step").isEqualTo("hello world");
        assertThat(upstream.accepted()).isEqualTo(1);
    }

    @Test
    void bodyWithoutLength_runsToTheEndOfTheConnection_whichIsNotReused() throws Exception {
        start(FakeUpstream.PATIENT, (peer, i) -> {
            peer.read();
            peer.write("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\r\n{\"id\":\"close-delimited\"}");
        });

        assertThat(complete()).isEqualTo("{\"id\":\"close-delimited\"}");
        assertThat(complete()).isEqualTo("{\"id\":\"close-delimited\"}");
        assertThat(upstream.accepted()).isEqualTo(2);
    }

    @Test
    void interimAnswers_areSkipped() throws Exception {
        start(FakeUpstream.PATIENT, (peer, i) -> peer.keepAnswering("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nlink: </a>\r\n\r\n" + OK));

        assertThat(complete()).isEqualTo("{\"id\":\"a1\"}");
    }

    @Test
    void errorStatus_isMapped_withItsBodyAndHeaders_andTheConnectionServesTheNextCall() throws Exception {
        start(FakeUpstream.PATIENT, (peer, i) -> {
            peer.read();
            peer.write("HTTP/1.1 429 Too Many Requests\r\nRetry-After: 7\r\nX-RateLimit-Remaining-Requests: 0\r\ncontent-length: 10\r\n\r\nslow down!");
            peer.keepAnswering(OK);
        });

        assertThatThrownBy(this::complete).isInstanceOfSatisfying(UpstreamException.class, e -> {
            assertThat(e.status()).isEqualTo(429);
            assertThat(e.getMessage()).isEqualTo("answered 429: slow down!");
            assertThat(e.headers()).containsOnly(Map.entry("retry-after", "7"), Map.entry("x-ratelimit-remaining-requests", "0"));
        });
        assertThat(complete()).isEqualTo("{\"id\":\"a1\"}");
        assertThat(upstream.accepted()).isEqualTo(1);
    }

    @Test
    void streamedErrorStatus_isMappedToo() throws Exception {
        start(FakeUpstream.PATIENT, (peer, i) -> peer.keepAnswering("HTTP/1.1 503 Service Unavailable\r\ntransfer-encoding: chunked\r\n\r\n"
                + "8\r\noverload\r\n0\r\n\r\n"));

        assertThatThrownBy(() -> http.stream(upstream.uri("/v1/chat/completions"), BODY, Map.of()))
                .isInstanceOf(UpstreamException.class).hasMessage("answered 503: overload");
    }

    @Test
    void announcedBodyOverTheLimit_isAProtocolFailure() throws Exception {
        start(FakeUpstream.PATIENT, (peer, i) -> {
            peer.read();
            peer.write("HTTP/1.1 200 OK\r\ncontent-length: " + (UpstreamHttp.MAX_BODY_BYTES + 1) + "\r\n\r\n{");
            testDone.await();
        });

        assertThatThrownBy(this::complete).isInstanceOfSatisfying(UpstreamException.class, e -> {
            assertThat(e.kind()).isEqualTo(UpstreamException.Kind.PROTOCOL);
            assertThat(e.getMessage()).isEqualTo("upstream fake answered with more than 67108864 bytes");
        });
    }

    @Test
    void chunkedBodyOverTheLimit_isAProtocolFailure() throws Exception {
        byte[] chunk = ("100000\r\n" + "x".repeat(0x100000) + "\r\n").getBytes(UTF_8);
        start(FakeUpstream.PATIENT, (peer, i) -> {
            peer.read();
            peer.write("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n");
            for (int mb = 0; mb <= UpstreamHttp.MAX_BODY_BYTES / 0x100000; mb++) {
                peer.write(chunk);
            }
            peer.write("0\r\n\r\n");
        });

        assertThatThrownBy(this::complete).isInstanceOf(UpstreamException.class)
                .hasMessage("upstream fake answered with more than 67108864 bytes");
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP/2 200\r\n\r\n", "ICY 200 OK\r\n\r\n", "HTTP/1.1 2x0 OK\r\n\r\n",
        "HTTP/1.1 200 OK\r\nbad header line\r\n\r\n", "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n"})
    void malformedAnswers_areProtocolFailures(String answer) throws Exception {
        start(FakeUpstream.PATIENT, (peer, i) -> {
            peer.read();
            peer.write(answer);
            testDone.await();
        });

        assertThatThrownBy(this::complete).isInstanceOfSatisfying(UpstreamException.class,
                e -> assertThat(e.kind()).isEqualTo(UpstreamException.Kind.PROTOCOL));
    }

    @Test
    void headerBlockOverItsLimit_isSaidInWords() throws Exception {
        start(FakeUpstream.PATIENT, (peer, i) -> {
            peer.read();
            peer.write("HTTP/1.1 200 OK\r\n");
            for (int n = 0; n < 100; n++) {
                peer.write("x-filler-" + n + ": " + "f".repeat(1000) + "\r\n");
            }
            testDone.await();
        });

        assertThatThrownBy(this::complete).isInstanceOf(UpstreamException.class)
                .hasMessage("upstream fake answered with a header block larger than 65536 bytes");
    }

    @Test
    void noAnswerWithinTheFirstByteTimeout_isSaidInWords() throws Exception {
        start(new TimeoutConfig(Duration.ofSeconds(10), Duration.ofMillis(300), Duration.ofSeconds(30)), (peer, i) -> {
            peer.read();
            testDone.await();
        });

        assertThatThrownBy(this::complete).isInstanceOfSatisfying(UpstreamException.class, e -> {
            assertThat(e.kind()).isEqualTo(UpstreamException.Kind.FIRST_BYTE_TIMEOUT);
            assertThat(e.getMessage()).isEqualTo("no answer from the provider 'fake' within 300 ms (first_byte_ms)");
        });
    }

    @Test
    void aNonStreamedBody_mustAlsoArriveWithinTheFirstByteTimeout() throws Exception {
        start(new TimeoutConfig(Duration.ofSeconds(10), Duration.ofMillis(300), Duration.ofSeconds(30)), (peer, i) -> {
            peer.read();
            peer.write("HTTP/1.1 200 OK\r\ncontent-length: 20\r\n\r\n{\"id\":");
            testDone.await();
        });

        assertThatThrownBy(this::complete).isInstanceOf(UpstreamException.class)
                .hasMessage("no answer from the provider 'fake' within 300 ms (first_byte_ms)");
    }

    @Test
    void streamedHeadersMustArriveWithinTheFirstByteTimeout() throws Exception {
        start(new TimeoutConfig(Duration.ofSeconds(10), Duration.ofMillis(300), Duration.ofSeconds(30)), (peer, i) -> {
            peer.read();
            testDone.await();
        });

        assertThatThrownBy(() -> http.stream(upstream.uri("/v1/chat/completions"), BODY, Map.of()))
                .isInstanceOf(UpstreamException.class).hasMessage("no answer from the provider 'fake' within 300 ms (first_byte_ms)");
    }

    @Test
    void aStreamSilentPastItsIdleTimeout_failsMidStreamInWords() throws Exception {
        start(new TimeoutConfig(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMillis(300)), (peer, i) -> {
            peer.read();
            peer.write("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n9\r\ndata: a\n\n\r\n");
            testDone.await();
        });
        UpstreamHttp.Exchange exchange = http.stream(upstream.uri("/v1/chat/completions"), BODY, Map.of());
        SseEventReader events = new SseEventReader(exchange.body(), exchange::abort, JSON);

        assertThat(new String(events.next(), UTF_8)).isEqualTo("a");
        assertThatThrownBy(events::next).isInstanceOfSatisfying(UpstreamException.class, e -> {
            assertThat(e.kind()).isEqualTo(UpstreamException.Kind.BROKEN);
            assertThat(e.getMessage()).isEqualTo("the upstream sent nothing for longer than its idle timeout (idle_ms) before the answer was complete");
        });
    }

    @Test
    void aStreamCutInAChunk_failsMidStreamInWords() throws Exception {
        start(FakeUpstream.PATIENT, (peer, i) -> {
            peer.read();
            peer.write("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n9\r\ndata: a\n\n\r\n20\r\ndata: {\"cut");
        });
        UpstreamHttp.Exchange exchange = http.stream(upstream.uri("/v1/chat/completions"), BODY, Map.of());
        SseEventReader events = new SseEventReader(exchange.body(), exchange::abort, JSON);

        assertThat(new String(events.next(), UTF_8)).isEqualTo("a");
        assertThatThrownBy(events::next).isInstanceOf(UpstreamException.class)
                .hasMessage("the upstream closed the connection before the answer was complete");
    }

    @Test
    void eachChunkOfAStream_isDeliveredAsSoonAsItIsWritten() throws Exception {
        CountDownLatch[] read = {new CountDownLatch(1), new CountDownLatch(1), new CountDownLatch(1)};
        start(FakeUpstream.PATIENT, (peer, i) -> {
            peer.read();
            peer.write("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n");
            for (int n = 0; n < read.length; n++) {
                String event = "data: {\"n\":" + n + "}\n\n";
                peer.write(Integer.toHexString(event.length()) + "\r\n" + event + "\r\n");
                // The next event only once the client read this one: a client waiting for more bytes would never see it.
                if (!read[n].await(10, TimeUnit.SECONDS)) {
                    return;
                }
            }
            peer.write("0\r\n\r\n");
        });
        UpstreamHttp.Exchange exchange = http.stream(upstream.uri("/v1/chat/completions"), BODY, Map.of());
        SseLineReader lines = new SseLineReader(exchange.body());

        for (int n = 0; n < read.length; n++) {
            assertThat(new String(lines.readLine(), UTF_8)).isEqualTo("data: {\"n\":" + n + "}");
            assertThat(lines.readLine()).isEmpty();
            read[n].countDown();
        }
        assertThat(lines.readLine()).isNull();
    }

    @Test
    void eventsThatArrivedTogether_areSeenBuffered_acrossChunks_butNotOneStillOnItsWay() throws Exception {
        CountDownLatch seen = new CountDownLatch(1);
        start(FakeUpstream.PATIENT, (peer, i) -> {
            peer.read();
            // Two whole events and the start of a third in one write, each event its own chunk.
            peer.write("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n"
                    + "9\r\ndata: a\n\n\r\n9\r\ndata: b\n\n\r\n9\r\ndata: c");
            if (seen.await(10, TimeUnit.SECONDS)) {
                peer.write("\n\n\r\n0\r\n\r\n");
            }
        });
        UpstreamHttp.Exchange exchange = http.stream(upstream.uri("/v1/chat/completions"), BODY, Map.of());
        SseLineReader lines = new SseLineReader(exchange.body());

        assertThat(new String(lines.readLine(), UTF_8)).isEqualTo("data: a");
        assertThat(lines.readLine()).isEmpty();
        assertThat(lines.hasBufferedEvent()).as("the next chunk's event came in the same write").isTrue();
        assertThat(new String(lines.readLine(), UTF_8)).isEqualTo("data: b");
        assertThat(lines.readLine()).isEmpty();
        assertThat(lines.hasBufferedEvent()).as("the third event has not ended yet").isFalse();
        seen.countDown();
        assertThat(new String(lines.readLine(), UTF_8)).isEqualTo("data: c");
        assertThat(lines.readLine()).isEmpty();
        assertThat(lines.readLine()).isNull();
    }

    @Test
    void anInterruptedCall_saysSo_andKeepsTheInterrupt() throws Exception {
        start(FakeUpstream.PATIENT, (peer, i) -> {
            peer.read();
            testDone.await();
        });
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread caller = Thread.ofVirtual().start(() -> {
            try {
                outcome.set(complete());
            } catch (UpstreamException e) {
                outcome.set(e.getMessage() + (Thread.currentThread().isInterrupted() ? ", still interrupted" : ""));
            }
        });
        // Blocked in its read (untimed: the deadline is the DeadlineWatch's, not the socket's).
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> caller.getState() == Thread.State.WAITING);

        caller.interrupt();

        caller.join(10_000);
        assertThat(outcome.get()).isEqualTo("interrupted while waiting for upstream fake, still interrupted");
    }

    @Test
    void refusedConnection_isSaidInWords() throws IOException {
        int port;
        try (ServerSocket closed = new ServerSocket(0)) {
            port = closed.getLocalPort();
        }
        http = FakeUpstream.client(FakeUpstream.PATIENT, Map.of());

        assertThatThrownBy(() -> http.complete(URI.create("http://127.0.0.1:" + port + "/v1"), BODY, Map.of()))
                .isInstanceOfSatisfying(UpstreamException.class, e -> {
                    assertThat(e.kind()).isEqualTo(UpstreamException.Kind.CONNECT);
                    assertThat(e.getMessage()).isEqualTo("could not connect to the provider 'fake' (connection refused)");
                });
    }
}
