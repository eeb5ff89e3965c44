package dev.tollgate.policy.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.GatewayExtension;
import dev.tollgate.testing.MockResponse;
import dev.tollgate.testing.MockUpstream;
import dev.tollgate.testing.OpenAiFixtures;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code routing.strategy: least-busy}: while slow streamed calls are in flight on one deployment, new calls go to the
 * one with fewer in flight (ties keep configuration order), and a stream counts until its last byte.
 */
class LeastBusyRoutingTest {

    @RegisterExtension
    @Order(1)
    static final MockUpstream first = new MockUpstream();

    @RegisterExtension
    @Order(1)
    static final MockUpstream second = new MockUpstream();

    @RegisterExtension
    @Order(2)
    static final GatewayExtension gateway = GatewayExtension.yaml("""
            routing: {strategy: least-busy}
            providers:
              - {name: first, kind: openai_compatible, base_url: "${FIRST}", models: [gpt-4o-mini]}
              - {name: second, kind: openai_compatible, base_url: "${SECOND}", models: [gpt-4o-mini]}
            """).env("FIRST", () -> first.baseUrl().toString()).env("SECOND", () -> second.baseUrl().toString());

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void newCallsGoToTheDeploymentWithFewerCallsInFlight() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<HttpResponse<InputStream>> slow = new ArrayList<>();
        first.enqueue(slowStream(release));
        second.enqueue(slowStream(release));
        first.enqueue(slowStream(release));

        slow.add(stream());            // in flight: first 1, second 0
        slow.add(stream());            // first 1, second 1
        slow.add(stream());            // tie: first (configuration order) → first 2, second 1
        assertThat(slow).extracting(r -> r.headers().firstValue("x-tollgate-provider").orElseThrow())
                .containsExactly("first", "second", "first");

        for (int i = 0; i < 4; i++) {
            assertThat(plain().headers().firstValue("x-tollgate-provider")).as("call %d", i).contains("second");
        }

        release.countDown();
        for (HttpResponse<InputStream> r : slow) {
            try (InputStream body = r.body()) {
                assertThat(new String(body.readAllBytes())).contains("data: [DONE]");
            }
        }
        assertThat(plain().headers().firstValue("x-tollgate-provider")).as("nothing in flight: configuration order").contains("first");
    }

    private static MockResponse slowStream(CountDownLatch gate) {
        return MockResponse.sse(OpenAiFixtures.chunks("gpt-4o-mini", List.of("slow", " answer"), OpenAiFixtures.DEFAULT_USAGE))
                .withGateAfterFirstEvent(gate);
    }

    private HttpResponse<InputStream> stream() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(gateway.baseUrl().resolve("/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .build();
        HttpResponse<InputStream> r = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        return r;
    }

    private static HttpResponse<String> plain() {
        return gateway.post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    }
}
