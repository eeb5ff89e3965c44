package dev.tollgate.policy.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.GatewayExtension;
import dev.tollgate.testing.MockUpstream;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code routing.strategy: weighted}: two deployments of one model with weights 3 and 1 share 400 calls about 3:1 (the
 * bounds are five standard deviations of the binomial count), a weight-0 deployment only ever serves as a fallback,
 * and every call still falls back to the other deployment when its first choice fails.
 */
class WeightedRoutingTest {

    private static final int CALLS = 400;

    @RegisterExtension
    @Order(1)
    static final MockUpstream heavy = new MockUpstream();

    @RegisterExtension
    @Order(1)
    static final MockUpstream light = new MockUpstream();

    @RegisterExtension
    @Order(2)
    static final GatewayExtension gateway = GatewayExtension.yaml("""
            routing: {strategy: weighted}
            providers:
              - {name: heavy, kind: openai_compatible, base_url: "${HEAVY}", models: [gpt-4o-mini, gpt-4o], weight: 3}
              - {name: light, kind: openai_compatible, base_url: "${LIGHT}", models: [gpt-4o-mini], weight: 1}
              - {name: standby, kind: openai_compatible, base_url: "${LIGHT}", models: [gpt-4o], weight: 0}
            """).env("HEAVY", () -> heavy.baseUrl().toString()).env("LIGHT", () -> light.baseUrl().toString());

    @Test
    void callsAreSharedInProportionToTheWeights() {
        int toHeavy = 0;
        for (int i = 0; i < CALLS; i++) {
            HttpResponse<String> r = chat("gpt-4o-mini");
            assertThat(r.statusCode()).isEqualTo(200);
            toHeavy += r.headers().firstValue("x-tollgate-provider").orElseThrow().equals("heavy") ? 1 : 0;
        }
        // Expected 300, standard deviation sqrt(400 * 0.75 * 0.25) ≈ 8.7.
        assertThat(toHeavy).isBetween(257, 343);
        assertThat(heavy.requestCount() + light.requestCount()).isEqualTo(CALLS);
    }

    @Test
    void aWeightOfZero_neverGoesFirst() {
        for (int i = 0; i < 50; i++) {
            assertThat(chat("gpt-4o").headers().firstValue("x-tollgate-provider")).contains("heavy");
        }
        assertThat(light.requestCount()).isZero();
    }

    private static HttpResponse<String> chat(String model) {
        return gateway.post("/v1/chat/completions", "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    }
}
