package dev.tollgate.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.GatewayExtension;
import dev.tollgate.testing.PrometheusText;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Made-up model names cannot create series: 1,000 calls with 1,000 bogus model names (the simulated
 * provider answers any name, so every call succeeds) leave the model label at {@code other}, and the
 * number of series stays what one known model would make.
 */
class MetricsCardinalityTest {

    private static final int BOGUS = 1_000;

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.yaml("""
            providers:
              - {name: sim, kind: simulated, simulated: {first_token_ms: 0, inter_token_ms: 0}}
            """);

    @Test
    void aThousandBogusModelNames_makeNoNewSeries() {
        PrometheusText before = scrapeAfter("gpt-4o-mini");
        for (int i = 0; i < BOGUS; i++) {
            HttpResponse<String> r = gateway.post("/v1/chat/completions",
                    "{\"model\":\"bogus-model-" + i + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
        PrometheusText after = scrapeAfter("gpt-4o-mini");
        Set<String> models = new HashSet<>();
        after.families().values().forEach(f -> f.samples().forEach(s -> {
            if (s.label("gen_ai_request_model") != null) {
                models.add(s.label("gen_ai_request_model"));
            }
        }));
        assertThat(models).containsExactlyInAnyOrder("gpt-4o-mini", "other");
        assertThat(after.sum("tollgate_requests_total", Map.of("gen_ai_request_model", "other"))).isEqualTo(BOGUS);
        assertThat(after.sum("tollgate_requests_total", Map.of("gen_ai_request_model", "gpt-4o-mini"))).isEqualTo(2);
        // The bogus names added one model's worth of series (those of "other"), however many names there were.
        assertThat(series(after) - series(before)).isEqualTo(series(before, "gpt-4o-mini"));
    }

    private static PrometheusText scrapeAfter(String model) {
        assertThat(gateway.post("/v1/chat/completions", "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .statusCode()).isEqualTo(200);
        return PrometheusText.parse(gateway.get("/metrics").body());
    }

    private static long series(PrometheusText scrape) {
        return scrape.families().values().stream().mapToLong(f -> f.samples().size()).sum();
    }

    private static long series(PrometheusText scrape, String model) {
        return scrape.families().values().stream().flatMap(f -> f.samples().stream())
                .filter(s -> model.equals(s.label("gen_ai_request_model"))).count();
    }
}
