package dev.tollgate.policy.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.GatewayExtension;
import dev.tollgate.testing.MockUpstream;
import dev.tollgate.testing.OpenAiFixtures;
import dev.tollgate.testing.RecordedRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.json.JsonMapper;

/**
 * A prompt an upstream refuses as too long for its model's context window falls over to a later step with a larger
 * window (an alias's next target), skipping the ones that are not larger; with none left the client gets the error.
 */
class ContextWindowFalloverTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @RegisterExtension
    @Order(1)
    static final MockUpstream upstream = new MockUpstream();

    @RegisterExtension
    @Order(2)
    static final GatewayExtension gateway = GatewayExtension.yaml("""
            providers:
              - {name: local, kind: openai_compatible, base_url: "${UPSTREAM}", models: [small-ctx, also-small, big-ctx], retries: {max: 0}}
              - {name: mirror, kind: openai_compatible, base_url: "${UPSTREAM}", models: [small-ctx], retries: {max: 0}}
            catalog:
              small-ctx: {context_window: 1000}
              also-small: {context_window: 1000}
              big-ctx: {context_window: 200000}
            aliases:
              long: [small-ctx, also-small, big-ctx]
              short: [small-ctx, also-small]
            autopilot:
              models: [small-ctx, also-small, big-ctx]
            """).env("UPSTREAM", () -> upstream.baseUrl().toString());

    @Test
    void tooLongForTheFirstModel_isServedByTheLargerOne_skippingThoseNotLarger() {
        upstream.enqueue(tooLong());

        HttpResponse<String> r = chat("long", "to-larger");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(upstream.requestCount()).isEqualTo(2);
        upstream.takeRequest();
        RecordedRequest second = upstream.takeRequest();
        assertThat(JSON.readTree(second.body()).path("model").asString()).isEqualTo("big-ctx");
        assertThat(r.headers().firstValue("x-tollgate-routing-reason")).hasValueSatisfying(reason -> assertThat(reason)
                .contains("prompt too long for its context window")
                .contains("context: mirror serves small-ctx")
                .contains("context: local serves also-small (window 1000), not larger than small-ctx")
                .endsWith("tried local"));
        assertThat(gateway.event("to-larger").model()).isEqualTo("big-ctx");
    }

    @Test
    void withNothingLarger_theClientGetsTheUpstreamsError() {
        upstream.enqueue(tooLong());

        HttpResponse<String> r = chat("short", "none-larger");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).path("error").path("code").asString()).isEqualTo("context_length_exceeded");
        assertThat(upstream.requestCount()).isEqualTo(1);
    }

    @Test
    void anExplicitModel_tooLong_fallsOverToTheConfiguredCandidateWithALargerWindow() {
        upstream.enqueue(tooLong());

        HttpResponse<String> r = chat("small-ctx", "explicit-to-larger");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(upstream.requestCount()).isEqualTo(2);
        upstream.takeRequest();
        assertThat(JSON.readTree(upstream.takeRequest().body()).path("model").asString()).isEqualTo("big-ctx");
        assertThat(r.headers().firstValue("x-tollgate-routing-reason")).hasValueSatisfying(reason -> assertThat(reason)
                .startsWith("fallback: local failed (prompt too long for its context window)")
                .contains("context: mirror serves small-ctx")
                .endsWith("tried local"));
        assertThat(gateway.event("explicit-to-larger").model()).isEqualTo("big-ctx");
    }

    @Test
    void anExplicitModel_failingOtherwise_neverReachesTheLargerCandidate() {
        upstream.enqueue(OpenAiFixtures.error(500, "server_error", null, "boom"));
        upstream.enqueue(OpenAiFixtures.error(500, "server_error", null, "boom again"));

        HttpResponse<String> r = chat("small-ctx", "explicit-5xx");

        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(upstream.requestCount()).isEqualTo(2);
        assertThat(upstream.received()).allSatisfy(req -> assertThat(req.bodyText()).contains("\"small-ctx\""));
    }

    private static dev.tollgate.testing.MockResponse tooLong() {
        return OpenAiFixtures.error(400, "invalid_request_error", "context_length_exceeded",
                "This model's maximum context length is 1000 tokens. However, your messages resulted in 4000 tokens.");
    }

    private static HttpResponse<String> chat(String model, String requestId) {
        return gateway.post("/v1/chat/completions",
                "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"a long prompt\"}]}",
                "X-Tollgate-Request-Id", requestId);
    }
}
