package dev.tollgate.api.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.GatewayExtension;
import dev.tollgate.testing.MockUpstream;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.json.JsonMapper;

/** With only a local server configured there is no default model to guess: a call without one says how to fix it. */
class DefaultModelTest {

    @RegisterExtension
    @Order(1)
    static final MockUpstream upstream = new MockUpstream();

    @RegisterExtension
    @Order(2)
    static final GatewayExtension gateway = GatewayExtension.yaml("""
            providers:
              - {name: ollama, kind: ollama, base_url: "${UPSTREAM}"}
            """).env("UPSTREAM", () -> upstream.baseUrl().toString());

    @Test
    void callWithoutAModel_isA400NamingTheSetting_andReachesNoUpstream() {
        HttpResponse<String> r = gateway.post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(r.statusCode()).isEqualTo(400);
        var error = JsonMapper.builder().build().readTree(r.body()).path("error");
        assertThat(error.path("param").asString()).isEqualTo("model");
        assertThat(error.path("message").asString()).contains("DEFAULT_AI_MODEL");
        assertThat(upstream.requestCount()).isZero();
    }

    @Test
    void callNamingAPrefixedModel_reachesTheLocalServer() {
        HttpResponse<String> r = gateway.post("/v1/chat/completions",
                "{\"model\":\"ollama/llama3.2\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(upstream.takeRequest().bodyText()).contains("\"model\":\"llama3.2\"");
    }
}
