package dev.tollgate.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each transport failure becomes an {@link UpstreamException} of the right kind whose message says what
 * happened in words. The causes carry library detail (addresses, object ids, the request line: here as the Jetty
 * client, used until the upstream client became Tollgate's own, worded them); none of it may reach the message.
 */
class TransportFailureTest {

    /** As Jetty worded a connection that closed under a request: the worst case of detail a cause may carry. */
    private static final String JETTY = "HttpConnectionOverHTTP@5d2b8e0b::DecryptedEndPoint@1a2b3c4d{l=/127.0.0.1:43870,"
            + "r=api.openai.com/10.1.2.3:443,OPEN,fill=-,flush=-,to=2/120000}[POST /v1/chat/completions HTTP/1.1]";

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of(new ConnectException("Connection refused: " + JETTY), UpstreamException.Kind.CONNECT,
                        "could not connect to the provider 'openai' (connection refused)"),
                Arguments.of(new UnknownHostException("api.openai.invalid: Name or service not known"), UpstreamException.Kind.CONNECT,
                        "could not connect to the provider 'openai' (its host name does not resolve)"),
                Arguments.of(new NoRouteToHostException("No route to host " + JETTY), UpstreamException.Kind.CONNECT,
                        "could not connect to the provider 'openai' (no route to its host)"),
                Arguments.of(new SocketTimeoutException("Connect timed out " + JETTY), UpstreamException.Kind.CONNECT,
                        "could not connect to the provider 'openai' within 10 s (connect_ms)"),
                Arguments.of(new TimeoutException("Total timeout 120000 ms elapsed " + JETTY), UpstreamException.Kind.FIRST_BYTE_TIMEOUT,
                        "no answer from the provider 'openai' within 120 s (first_byte_ms)"),
                Arguments.of(new SSLHandshakeException("PKIX path building failed " + JETTY), UpstreamException.Kind.CONNECT,
                        "could not set up a TLS connection with the provider 'openai'"),
                Arguments.of(new java.io.IOException("wrapped", new EOFException(JETTY)), UpstreamException.Kind.BROKEN,
                        "the provider 'openai' closed the connection before the answer was complete"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void beforeTheAnswer_isSaidInWords(Throwable cause, UpstreamException.Kind kind, String message) {
        UpstreamException e = TransportFailure.beforeAnswer("openai", Duration.ofSeconds(10), Duration.ofSeconds(120), cause);

        assertThat(e.kind()).isEqualTo(kind);
        assertThat(e.getMessage()).isEqualTo(message);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void noMessage_carriesTheCausesText(Throwable cause, UpstreamException.Kind kind, String message) {
        String before = TransportFailure.beforeAnswer("openai", Duration.ofSeconds(10), Duration.ofSeconds(120), cause).getMessage();
        String mid = TransportFailure.midStream(cause).getMessage();

        for (String text : new String[] {before, mid}) {
            assertThat(text).doesNotContainPattern("\\d+\\.\\d+\\.\\d+\\.\\d+").doesNotContain("@").doesNotContain("Exception")
                    .doesNotContain("HTTP/1.1").doesNotContain("api.openai");
        }
    }

    @org.junit.jupiter.api.Test
    void midStream_tellsASilentUpstreamFromACutOne() {
        assertThat(TransportFailure.midStream(new TimeoutException("Idle timeout expired: 1005/1000 ms")).getMessage())
                .isEqualTo("the upstream sent nothing for longer than its idle timeout (idle_ms) before the answer was complete");
        assertThat(TransportFailure.midStream(new EOFException(JETTY)).getMessage())
                .isEqualTo("the upstream closed the connection before the answer was complete");
        assertThat(TransportFailure.midStream(new EOFException(JETTY)).kind()).isEqualTo(UpstreamException.Kind.BROKEN);
    }
}
