package dev.tollgate.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.GatewayExtension;
import dev.tollgate.testing.PrometheusText;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.json.JsonMapper;

/** {@code metrics: {require_key: true}}: {@code /metrics} needs a key with the admin or analytics scope. */
class MetricsKeyTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String MASTER = "sk-metrics-key-master";

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.yaml("""
            master_key: sk-metrics-key-master
            metrics: {require_key: true}
            providers:
              - {name: sim, kind: simulated}
            """);

    @Test
    void withoutAKey_401_inOpenAisErrorShape() {
        HttpResponse<String> r = gateway.get("/metrics");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(r.body()).at("/error/code").asString()).isEqualTo("invalid_api_key");
        assertThat(gateway.get("/metrics", "authorization", "Bearer tg-not-a-key").statusCode()).isEqualTo(401);
    }

    @Test
    void anInferOnlyKey_403_namingTheScopesThatOpenIt() {
        HttpResponse<String> r = gateway.get("/metrics", "authorization", "Bearer " + key("infer"));
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(r.body()).at("/error/message").asString()).contains("'admin' or 'analytics'");
    }

    @Test
    void analyticsOrAdminKeys_andTheMasterKey_scrape() {
        for (String key : new String[] {key("analytics"), key("admin"), MASTER}) {
            HttpResponse<String> r = gateway.get("/metrics", "authorization", "Bearer " + key);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(PrometheusText.parse(r.body()).families()).containsKey("tollgate_ledger_queue_depth");
        }
    }

    private static String key(String scope) {
        HttpResponse<String> r = gateway.post("/governance/api-keys", "{\"name\":\"" + scope + "-" + System.nanoTime() + "\",\"scopes\":[\"" + scope + "\"]}",
                "authorization", "Bearer " + MASTER);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).path("key").asString();
    }
}
