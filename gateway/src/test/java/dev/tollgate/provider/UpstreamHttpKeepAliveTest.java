package dev.tollgate.provider;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

/**
 * Connections kept alive between calls: reused while both sides allow it and the last body was read to
 * its end; a kept connection the server closed meanwhile costs one resend, never a failure; nothing is
 * sent again once an answer started; an aborted or abandoned stream drops its connection.
 */
class UpstreamHttpKeepAliveTest {

    private static final byte[] BODY = "{}".getBytes(UTF_8);
    private static final String OK = "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok";
    private static final String STREAM_HEAD = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n";

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

    private void start(FakeUpstream.Script script) throws IOException {
        upstream = new FakeUpstream(script);
        http = FakeUpstream.client(FakeUpstream.PATIENT, Map.of());
    }

    private String complete() {
        return new String(http.complete(upstream.uri("/v1/chat/completions"), BODY, Map.of()), UTF_8);
    }

    @Test
    void sequentialCalls_shareOneConnection() throws Exception {
        start((peer, i) -> peer.keepAnswering(OK));

        for (int n = 0; n < 5; n++) {
            assertThat(complete()).isEqualTo("ok");
        }
        assertThat(upstream.accepted()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-length: 2\r\n\r\nok",
        "HTTP/1.1 200 OK\r\nConnection: Keep-Alive, Close\r\ncontent-length: 2\r\n\r\nok", "HTTP/1.0 200 OK\r\ncontent-length: 2\r\n\r\nok"})
    void anAnswerThatEndsKeepAlive_isNotReused_evenIfTheServerKeepsListening(String answer) throws Exception {
        start((peer, i) -> peer.keepAnswering(answer));

        assertThat(complete()).isEqualTo("ok");
        assertThat(complete()).isEqualTo("ok");
        assertThat(upstream.accepted()).isEqualTo(2);
    }

    @Test
    void anHttp10AnswerWithKeepAlive_isReused() throws Exception {
        start((peer, i) -> peer.keepAnswering("HTTP/1.0 200 OK\r\nconnection: keep-alive\r\ncontent-length: 2\r\n\r\nok"));

        assertThat(complete()).isEqualTo("ok");
        assertThat(complete()).isEqualTo("ok");
        assertThat(upstream.accepted()).isEqualTo(1);
    }

    @Test
    void aKeptConnectionTheServerClosed_isResentOnceOnANewOne() throws Exception {
        CountDownLatch firstClosed = new CountDownLatch(1);
        start((peer, i) -> {
            if (i == 0) {
                peer.read();
                peer.write(OK);
                peer.close();
                firstClosed.countDown();
                return;
            }
            peer.keepAnswering(OK);
        });

        assertThat(complete()).isEqualTo("ok");
        assertThat(firstClosed.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(complete()).isEqualTo("ok");
        assertThat(upstream.accepted()).isEqualTo(2);
    }

    @Test
    void aFailureAfterTheAnswerStarted_isNotResent() throws Exception {
        start((peer, i) -> {
            peer.read();
            peer.write(OK);
            peer.read();
            peer.write("HTTP/1.1 200 OK\r\ncontent-len");
        });

        assertThat(complete()).isEqualTo("ok");
        assertThatThrownBy(this::complete).isInstanceOfSatisfying(UpstreamException.class, e -> {
            assertThat(e.kind()).isEqualTo(UpstreamException.Kind.BROKEN);
            assertThat(e.getMessage()).isEqualTo("the provider 'fake' closed the connection before the answer was complete");
        });
        assertThat(upstream.accepted()).isEqualTo(1);
    }

    @Test
    void aNewConnectionClosedBeforeTheAnswer_isNotResent() throws Exception {
        start((peer, i) -> peer.read());

        assertThatThrownBy(this::complete).isInstanceOf(UpstreamException.class)
                .hasMessage("the provider 'fake' closed the connection before the answer was complete");
        assertThat(upstream.accepted()).isEqualTo(1);
    }

    @Test
    void aStreamReadToItsEnd_handsItsConnectionToTheNextCall() throws Exception {
        start((peer, i) -> peer.keepAnswering(STREAM_HEAD + "9\r\ndata: a\n\n\r\n0\r\n\r\n"));

        UpstreamHttp.Exchange exchange = http.stream(upstream.uri("/v1/chat/completions"), BODY, Map.of());
        try (InputStream in = exchange.body()) {
            assertThat(new String(in.readAllBytes(), UTF_8)).isEqualTo("data: a\n\n");
        }
        exchange.abort();
        assertThat(complete()).as("an abort after the end leaves the kept connection alone")
                .isEqualTo("data: a\n\n");
        assertThat(upstream.accepted()).isEqualTo(1);
    }

    @Test
    void aStreamWhoseLastEventWasRead_handsItsConnectionBack_whenTheBodysEndArrivedWithIt() throws Exception {
        start((peer, i) -> peer.keepAnswering(STREAM_HEAD + "9\r\ndata: a\n\n\r\ne\r\ndata: [DONE]\n\n\r\n0\r\n\r\n"));

        UpstreamHttp.Exchange exchange = http.stream(upstream.uri("/v1/chat/completions"), BODY, Map.of());
        SseEventReader events = new SseEventReader(exchange.body(), exchange::abort, JsonMapper.builder().build());
        assertThat(events.next()).isEqualTo("a".getBytes(UTF_8));
        assertThat(events.next()).isEqualTo("[DONE]".getBytes(UTF_8));
        // A decoder stops at its protocol's last event: the chunked body's own end is not read by it.
        events.close(true);

        assertThat(complete()).isEqualTo("data: a\n\ndata: [DONE]\n\n");
        assertThat(upstream.accepted()).as("the second call went over the first one's connection").isEqualTo(1);
    }

    @Test
    void aStreamClosedBeforeItsEnd_dropsItsConnection() throws Exception {
        CountDownLatch dropped = new CountDownLatch(1);
        start((peer, i) -> {
            peer.read();
            peer.write(STREAM_HEAD + "9\r\ndata: a\n\n\r\n");
            if (peer.clientClosed()) {
                dropped.countDown();
            }
        });

        UpstreamHttp.Exchange exchange = http.stream(upstream.uri("/v1/chat/completions"), BODY, Map.of());
        InputStream in = exchange.body();
        assertThat(in.readNBytes(9)).isEqualTo("data: a\n\n".getBytes(UTF_8));
        in.close();

        assertThat(dropped.await(10, TimeUnit.SECONDS)).as("the upstream saw the connection close").isTrue();
    }

    @Test
    void abort_unblocksARead_fromAnotherThread() throws Exception {
        CountDownLatch dropped = new CountDownLatch(1);
        start((peer, i) -> {
            peer.read();
            peer.write(STREAM_HEAD);
            if (peer.clientClosed()) {
                dropped.countDown();
            }
        });
        UpstreamHttp.Exchange exchange = http.stream(upstream.uri("/v1/chat/completions"), BODY, Map.of());
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                outcome.set(new AssertionError("read returned " + exchange.body().read()));
            } catch (IOException e) {
                outcome.set(e);
            }
        });
        // Parked in the socket read (for at most the idle timeout, 30 s).
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> reader.getState() == Thread.State.TIMED_WAITING || reader.getState() == Thread.State.WAITING);

        exchange.abort();

        reader.join(10_000);
        assertThat(outcome.get()).isInstanceOf(IOException.class);
        assertThat(dropped.await(10, TimeUnit.SECONDS)).isTrue();
    }
}
