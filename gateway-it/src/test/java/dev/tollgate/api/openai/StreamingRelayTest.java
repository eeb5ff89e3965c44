package dev.tollgate.api.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.model.Usage;
import dev.tollgate.testing.GatewayExtension;
import dev.tollgate.testing.MockResponse;
import dev.tollgate.testing.MockUpstream;
import dev.tollgate.testing.OpenAiFixtures;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Streams are relayed chunk by chunk as they arrive, not buffered. */
class StreamingRelayTest {

    @RegisterExtension
    @Order(1)
    static final MockUpstream upstream = new MockUpstream();

    @RegisterExtension
    @Order(2)
    static final GatewayExtension gateway = GatewayExtension.yaml("""
            providers:
              - {name: openai, kind: openai, base_url: "${UPSTREAM}", api_key: sk-upstream}
            """).env("UPSTREAM", () -> upstream.baseUrl().toString());

    @Test
    @Timeout(30)
    void firstChunks_reachTheClient_whileTheUpstreamIsStillHoldingTheRest() throws Exception {
        CountDownLatch upstreamMayContinue = new CountDownLatch(1);
        List<String> events = OpenAiFixtures.chunks("gpt-4o-mini", List.of("first", " second"), new Usage(5, 2, 0, 0, false));
        upstream.enqueue(MockResponse.sse(events).withGateAfterFirstEvent(upstreamMayContinue));

        HttpRequest request = HttpRequest.newBuilder(gateway.baseUrl().resolve("/v1/chat/completions"))
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .build();
        HttpResponse<InputStream> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofInputStream());
        List<String> received = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            // The upstream has sent only its first event and is blocked until we release it:
            // reading that event here proves the gateway relayed it without waiting for more.
            String first = nextData(reader);
            assertThat(upstreamMayContinue.getCount()).isEqualTo(1);
            received.add(first);
            upstreamMayContinue.countDown();
            for (String data = nextData(reader); data != null; data = nextData(reader)) {
                received.add(data);
            }
        }
        assertThat(received.getFirst()).contains("\"role\":\"assistant\"");
        assertThat(received).last().isEqualTo("[DONE]");
        assertThat(String.join("", received)).contains("first").contains(" second");
    }

    @Test
    @Timeout(30)
    void clientHangingUpMidStream_abortsTheUpstreamCall_andIsBilledForWhatWasDelivered() throws Exception {
        CountDownLatch upstreamMayContinue = new CountDownLatch(1);
        List<String> pieces = java.util.Collections.nCopies(400, " word");
        upstream.enqueue(MockResponse.sse(OpenAiFixtures.chunks("gpt-4o-mini", pieces, new Usage(5, 400, 0, 0, false)))
                .withGateAfterFirstEvent(upstreamMayContinue).withEventGap(java.time.Duration.ofMillis(5)));

        java.net.Socket socket = new java.net.Socket("127.0.0.1", gateway.baseUrl().getPort());
        String body = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        socket.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nX-Tollgate-Request-Id: hang-up\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
        BufferedReader reader = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        assertThat(nextData(reader)).contains("\"role\":\"assistant\"");
        socket.close();
        upstreamMayContinue.countDown();

        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> upstream.brokenByClient() == 1);
        dev.tollgate.model.UsageEvent event = org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
                .until(() -> gateway.events().stream().filter(e -> e.requestId().equals("hang-up")).findFirst(), java.util.Optional::isPresent)
                .orElseThrow();
        assertThat(event.status()).isEqualTo(499);
        assertThat(event.errorCode()).isEqualTo("client_closed_request");
        assertThat(event.usage().estimated()).isTrue();
        assertThat(event.usage().outputTokens()).isPositive().isLessThan(400);
    }

    private static String nextData(BufferedReader reader) throws java.io.IOException {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            if (line.startsWith("data: ")) {
                return line.substring(6);
            }
        }
        return null;
    }
}
