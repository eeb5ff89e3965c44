package dev.tollgate.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.GatewayExtension;
import dev.tollgate.testing.RawHttp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Requests an ordinary client never sends, over raw sockets: each gets an answer in JSON (or the
 * connection closes right after one), never silence and never a socket held open. The probe that found
 * these got no answer at all for HTTP/1.0, bare-LF lines and long request lines, waited 45 s on a
 * malformed chunk, and kept the socket open after {@code Connection: close}.
 */
class HttpEdgeCasesTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Far longer than any answer here takes; a server that holds the socket shows as not closed. */
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String CHAT = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.yaml("""
            providers:
              - {name: sim, kind: simulated}
            """);

    static Stream<Arguments> refusedRequests() {
        return Stream.of(
                Arguments.of("HTTP/1.0 without Host", "GET /health HTTP/1.0\r\n\r\n", 505),
                Arguments.of("HTTP/1.0 with Host", "GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n", 505),
                Arguments.of("HTTP/1.0 POST", "POST /v1/chat/completions HTTP/1.0\r\nContent-Length: 2\r\n\r\n{}", 505),
                Arguments.of("bare-LF request line", "GET /health HTTP/1.1\nHost: 127.0.0.1\n\n", 400),
                Arguments.of("bare-LF header line", "GET /health HTTP/1.1\r\nHost: 127.0.0.1\nX-A: b\r\n\r\n", 400),
                Arguments.of("HTTP/2.0 as text", "GET /health HTTP/2.0\r\nHost: 127.0.0.1\r\n\r\n", 400),
                Arguments.of("request line over 8 KiB", "GET /health?q=" + "a".repeat(9_000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 414),
                Arguments.of("no version", "GET /health\r\nHost: 127.0.0.1\r\n\r\n", 400));
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("refusedRequests")
    void requestTheServerCannotServe_isAnsweredInJson_andTheConnectionCloses(String name, String request, int status) throws IOException {
        RawHttp.Exchange exchange = send(request);

        assertThat(exchange.status()).as("status of: %s", exchange.received()).isEqualTo(status);
        assertThat(exchange.closed()).as("the server closed the connection after answering").isTrue();
        assertThat(exchange.head().toLowerCase(Locale.ROOT)).contains("content-type: application/json");
        JsonNode error = JSON.readTree(exchange.body()).path("error");
        assertThat(error.path("code").asString()).isEqualTo("http_" + status);
        assertThat(error.path("type").asString()).isEqualTo("invalid_request_error");
        assertThat(error.path("message").asString()).isNotBlank();
    }

    @Test
    void http10_isTold_whichVersionToSend() throws IOException {
        JsonNode error = JSON.readTree(send("GET /health HTTP/1.0\r\n\r\n").body()).path("error");

        assertThat(error.path("message").asString()).contains("send HTTP/1.1");
    }

    @Test
    void requestLineJustUnder8KiB_isServed() throws IOException {
        String line = "GET /health?q=" + "a".repeat(8_000) + " HTTP/1.1";
        assertThat(line.length()).isLessThan(GatewayServer.MAX_REQUEST_LINE_BYTES - 2);

        RawHttp.Exchange exchange = send(line + "\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");

        assertThat(exchange.status()).isEqualTo(200);
        assertThat(exchange.body()).isEqualTo("{\"status\":\"ok\"}");
    }

    @Test
    void connectionClose_fromTheClient_closesTheSocketAfterTheAnswer() throws IOException {
        RawHttp.Exchange exchange = send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");

        assertThat(exchange.status()).isEqualTo(200);
        assertThat(exchange.head().toLowerCase(Locale.ROOT)).contains("connection: close");
        assertThat(exchange.closed()).as("closed within %s", WAIT).isTrue();
    }

    @Test
    void connectionClose_onAProxiedCall_closesTheSocketAfterTheWholeAnswer() throws IOException {
        RawHttp.Exchange exchange = send("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + CHAT.length() + "\r\nConnection: close\r\n\r\n" + CHAT);

        assertThat(exchange.status()).isEqualTo(200);
        assertThat(JSON.readTree(exchange.body()).path("object").asString()).isEqualTo("chat.completion");
        assertThat(exchange.closed()).isTrue();
    }

    @Test
    void withoutConnectionClose_theConnectionIsKeptAlive_forTheNextRequest() throws IOException {
        String get = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

        RawHttp.Exchange exchange = RawHttp.exchange(gateway.baseUrl(), (get + get).getBytes(StandardCharsets.US_ASCII), Duration.ofSeconds(1));

        assertThat(exchange.answers()).as("both pipelined requests answered: %s", exchange.received()).isEqualTo(2);
        assertThat(exchange.closed()).as("kept alive").isFalse();
    }

    static Stream<Arguments> malformedChunks() {
        return Stream.of(
                Arguments.of("/api/log", "openai"),
                Arguments.of("/v1/chat/completions", "openai"),
                Arguments.of("/v1/messages", "anthropic"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedChunks")
    void invalidChunkSize_isAPrompt400InTheRoutesDialect_andTheConnectionCloses(String path, String dialect) throws IOException {
        long start = System.nanoTime();
        RawHttp.Exchange exchange = send("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\nZZZ\r\n{\"events\":[]}\r\n0\r\n\r\n");
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(exchange.status()).as("status of: %s", exchange.received()).isEqualTo(400);
        assertThat(exchange.closed()).as("closed, not held (took %d ms)", millis).isTrue();
        JsonNode body = JSON.readTree(exchange.body());
        if (dialect.equals("anthropic")) {
            assertThat(body.path("type").asString()).isEqualTo("error");
            assertThat(body.path("error").path("type").asString()).isEqualTo("invalid_request_error");
            assertThat(body.path("error").path("message").asString()).contains("chunked transfer encoding");
        } else {
            assertThat(body.path("error").path("code").asString()).isEqualTo("malformed_body");
            assertThat(body.path("error").path("message").asString()).contains("chunked transfer encoding");
        }
        assertThat(exchange.body()).doesNotContain("NumberFormatException").doesNotContain("radix");
    }

    @Test
    void bodyShorterThanItsContentLength_isA400_whenTheClientStopsSending() throws IOException {
        // The client half-closes after 10 of the 100 bytes it announced: the server sees the end of the stream.
        byte[] request = ("POST /api/log HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
                + "{\"events\":").getBytes(StandardCharsets.US_ASCII);
        RawHttp.Exchange exchange = RawHttp.exchangeHalfClosed(gateway.baseUrl(), request, WAIT);

        assertThat(exchange.status()).as("status of: %s", exchange.received()).isEqualTo(400);
        assertThat(JSON.readTree(exchange.body()).path("error").path("message").asString()).contains("Content-Length");
    }

    @Test
    void afterEveryMalformedRequest_theGatewayStillServes() throws IOException {
        refusedRequests().forEach(a -> {
            try {
                send((String) a.get()[1]);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });

        assertThat(gateway.get("/health").statusCode()).isEqualTo(200);
        assertThat(gateway.post("/v1/chat/completions", CHAT).statusCode()).isEqualTo(200);
    }

    private static RawHttp.Exchange send(String request) throws IOException {
        return RawHttp.exchange(gateway.baseUrl(), request.getBytes(StandardCharsets.ISO_8859_1), WAIT);
    }
}
