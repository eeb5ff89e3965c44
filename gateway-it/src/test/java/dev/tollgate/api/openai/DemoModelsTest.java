package dev.tollgate.api.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.models.Model;
import dev.tollgate.testing.GatewayExtension;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code GET /v1/models} on a gateway with only the simulated provider (what {@code tollgate demo}
 * runs) lists what a user can call: the simulator's own model and every model of the price map it
 * answers as, and each listed name is answered.
 */
class DemoModelsTest {

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.yaml("""
            default_model: tollgate-sim
            providers:
              - {name: simulated, kind: simulated, simulated: {first_token_ms: 0, inter_token_ms: 0}}
            """);

    @Test
    void theSimulator_listsThePricedModelsItAnswersAs_andAnswersEachOfThem() {
        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(gateway.baseUrl() + "/v1").apiKey("demo")
                .maxRetries(0).timeout(Duration.ofSeconds(20)).build();
        List<Model> models = new ArrayList<>();
        try {
            client.models().list().autoPager().forEach(models::add);
        } finally {
            client.close();
        }

        List<String> ids = models.stream().map(Model::id).toList();
        assertThat(ids.getFirst()).isEqualTo("tollgate-sim");
        assertThat(ids).contains("gpt-4o-mini", "claude-haiku-4-5", "gemini-2.5-flash", "text-embedding-3-small")
                .doesNotHaveDuplicates().noneMatch(id -> id.contains("*"));
        assertThat(models).allSatisfy(m -> assertThat(m.ownedBy()).isEqualTo("simulated"));
        for (String id : ids) {
            HttpResponse<String> answer = id.startsWith("text-embedding")
                    ? gateway.post("/v1/embeddings", "{\"model\":\"" + id + "\",\"input\":\"Hi\"}")
                    : gateway.post("/v1/chat/completions", "{\"model\":\"" + id + "\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
            assertThat(answer.statusCode()).as("%s: %s", id, answer.body()).isEqualTo(200);
            assertThat(answer.headers().firstValue("x-tollgate-model")).as(id).contains(id);
        }
    }
}
