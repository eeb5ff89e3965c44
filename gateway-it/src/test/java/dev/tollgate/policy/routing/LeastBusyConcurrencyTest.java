package dev.tollgate.policy.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.GatewayExtension;
import dev.tollgate.testing.MockUpstream;
import dev.tollgate.testing.OpenAiFixtures;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code least-busy} under parallel slow calls: both deployments take a share (ordered routing would send all to the
 * first), every call is answered, and once they are over the in-flight counts are back to zero (the next calls go to
 * the first deployment again, as configuration order breaks the tie).
 */
class LeastBusyConcurrencyTest {

    private static final int THREADS = 24;
    private static final int CALLS_EACH = 4;

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

    @Test
    void parallelSlowCalls_spreadOverBoth_andTheCountsReturnToZero() throws Exception {
        first.fallback(r -> OpenAiFixtures.answer(r).withHeadersDelay(Duration.ofMillis(60)));
        second.fallback(r -> OpenAiFixtures.answer(r).withHeadersDelay(Duration.ofMillis(60)));
        List<Future<Integer>> answered = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(THREADS)) {
            for (int t = 0; t < THREADS; t++) {
                answered.add(pool.submit(() -> {
                    int ok = 0;
                    for (int i = 0; i < CALLS_EACH; i++) {
                        ok += plain().statusCode() == 200 ? 1 : 0;
                    }
                    return ok;
                }));
            }
            int total = 0;
            for (Future<Integer> f : answered) {
                total += f.get();
            }
            assertThat(total).isEqualTo(THREADS * CALLS_EACH);
        }

        assertThat(first.requestCount() + second.requestCount()).isEqualTo(THREADS * CALLS_EACH);
        assertThat(second.requestCount()).as("the second deployment took calls while the first was busy").isGreaterThanOrEqualTo(THREADS * CALLS_EACH / 8);
        assertThat(first.requestCount()).isGreaterThanOrEqualTo(THREADS * CALLS_EACH / 8);
        first.fallback(OpenAiFixtures::answer);
        second.fallback(OpenAiFixtures::answer);
        for (int i = 0; i < 3; i++) {
            assertThat(plain().headers().firstValue("x-tollgate-provider")).as("nothing left in flight").contains("first");
        }
    }

    private static HttpResponse<String> plain() {
        return gateway.post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    }
}
