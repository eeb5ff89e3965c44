package dev.tollgate.api;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.GatewayExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An upstream whose headers hold a bare carriage return cannot split the client's answer into headers of its
 * choosing: a success does not relay the upstream's headers, and an error passes its retry hint and rate limits on
 * as visible ASCII only (Helidon does not check response headers again, so this is the gateway's own guard).
 */
class UpstreamHeaderSplittingTest {

    private static final String MASTER = "sk-master-splitting";
    private static final String OK_BODY = """
            {"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"gpt-4o-mini","choices":[{"index":0,\
            "message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":1,\
            "total_tokens":6}}""";
    private static final String LIMITED_BODY = """
            {"error":{"message":"slow down","type":"requests","param":null,"code":"rate_limit_exceeded"}}""";

    private static final ServerSocket upstream;
    private static volatile int status = 200;

    static {
        try {
            upstream = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
        Thread.ofVirtual().start(UpstreamHeaderSplittingTest::serve);
    }

    @RegisterExtension
    @Order(1)
    static final GatewayExtension gateway = GatewayExtension.yaml("""
            master_key: %s
            providers:
              - {name: openai, kind: openai, base_url: "http://127.0.0.1:%d/v1", api_key: sk-upstream, retries: {max: 0}}
            """.formatted(MASTER, upstream.getLocalPort()));

    @AfterAll
    static void stop() throws IOException {
        upstream.close();
    }

    /** Answers each request on its own connection, with headers no HTTP library would let one write. */
    private static void serve() {
        while (!upstream.isClosed()) {
            try (Socket s = upstream.accept()) {
                readRequest(s.getInputStream());
                String body = status == 200 ? OK_BODY : LIMITED_BODY;
                String head = "HTTP/1.1 " + status + (status == 200 ? " OK" : " Too Many Requests") + "\r\n"
                        + "content-type: application/json\r\n"
                        + "x-ratelimit-limit-requests: 10\rx-injected: yes\r\n"
                        + "retry-after: 0\rx-injected-too: yes\r\n"
                        + "content-length: " + body.length() + "\r\n"
                        + "connection: close\r\n\r\n";
                OutputStream out = s.getOutputStream();
                out.write((head + body).getBytes(ISO_8859_1));
                out.flush();
            } catch (IOException e) {
                // closed at the end of the class
            }
        }
    }

    private static void readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                return;
            }
            head.write(b);
        }
        int length = 0;
        for (String line : head.toString(ISO_8859_1).split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        in.readNBytes(length);
    }

    private static HttpResponse<String> chat() {
        return gateway.post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "Authorization", "Bearer " + MASTER);
    }

    @Test
    void aSuccessfulAnswer_fromAnUpstreamWithSuchHeaders_isRelayedWithoutThem() {
        status = 200;

        HttpResponse<String> response = chat();

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).contains("chatcmpl-1");
        assertThat(response.headers().map()).doesNotContainKeys("x-injected", "x-injected-too");
    }

    @Test
    void anUpstreamError_passesItsRetryHint_withItsCarriageReturnReplaced() {
        status = 429;

        HttpResponse<String> response = chat();

        assertThat(response.statusCode()).as(response.body()).isEqualTo(429);
        assertThat(response.headers().firstValue("retry-after")).contains("0?x-injected-too: yes");
        assertThat(response.headers().map()).doesNotContainKeys("x-injected", "x-injected-too");
    }
}
