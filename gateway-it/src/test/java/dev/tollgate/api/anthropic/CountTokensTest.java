package dev.tollgate.api.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.errors.NotFoundException;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageTokensCount;
import dev.tollgate.testing.GatewayExtension;
import dev.tollgate.testing.MockResponse;
import dev.tollgate.testing.MockUpstream;
import dev.tollgate.testing.RecordedRequest;
import dev.tollgate.usage.TokenCounter;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * anthropic-java's {@code messages().countTokens(...)} through the gateway: an Anthropic upstream counts
 * (the request forwarded to its {@code /v1/messages/count_tokens}), any other model is estimated with the
 * local tokenizer, the header says which, and no count is billed or recorded.
 */
class CountTokensTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String KEY = "sk-tollgate-test";

    @RegisterExtension
    @Order(1)
    static final MockUpstream openai = new MockUpstream();

    @RegisterExtension
    @Order(2)
    static final MockUpstream anthropic = new MockUpstream();

    @RegisterExtension
    @Order(3)
    static final GatewayExtension gateway = GatewayExtension.yaml("""
            master_key: sk-tollgate-test
            providers:
              - {name: openai, kind: openai, base_url: "${OPENAI}", api_key: sk-openai-upstream}
              - {name: anthropic, kind: anthropic, base_url: "${ANTHROPIC}", api_key: sk-ant-upstream}
            """).env("OPENAI", () -> openai.baseUrl().toString()).env("ANTHROPIC", () -> "http://127.0.0.1:" + anthropic.port());

    static AnthropicClient client;

    @BeforeAll
    static void client() {
        client = AnthropicOkHttpClient.builder().baseUrl(gateway.baseUrl().toString()).apiKey(KEY).maxRetries(0)
                .timeout(Duration.ofSeconds(20)).build();
    }

    @AfterAll
    static void closeClient() {
        client.close();
    }

    @Test
    void anAnthropicModel_isCountedByAnthropic_withoutMaxTokens() {
        anthropic.enqueue(MockResponse.json(200, "{\"input_tokens\":2095}"));

        MessageTokensCount count = client.messages().countTokens(MessageCountTokensParams.builder().model("claude-sonnet-4-5")
                .system("You are a scientist.").addUserMessage("Hello, Claude").build());

        assertThat(count.inputTokens()).isEqualTo(2095);
        RecordedRequest sent = anthropic.takeRequest();
        assertThat(sent.path()).isEqualTo("/v1/messages/count_tokens");
        assertThat(sent.header("x-api-key")).isEqualTo("sk-ant-upstream");
        JsonNode body = JSON.readTree(sent.body());
        assertThat(body.get("model").asString()).isEqualTo("claude-sonnet-4-5");
        assertThat(body.get("system").asString()).isEqualTo("You are a scientist.");
        assertThat(body.at("/messages/0/content").asString()).isEqualTo("Hello, Claude");
        assertThat(body.has("max_tokens")).as("count_tokens takes no max_tokens").isFalse();
    }

    @Test
    void anotherModel_isEstimatedLocally_andTheHeaderSaysSo() {
        String body = "{\"model\":\"gpt-4o-mini\",\"system\":\"Be terse.\",\"messages\":[{\"role\":\"user\",\"content\":\"How many tokens is this?\"}]}";
        HttpResponse<String> r = gateway.post("/v1/messages/count_tokens", body, "x-api-key", KEY);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-tollgate-token-count")).contains("estimated");
        assertThat(r.headers().firstValue("x-tollgate-provider")).contains("openai");
        long expected = new TokenCounter().countPrompt("gpt-4o-mini", List.of(
                dev.tollgate.model.Message.text(dev.tollgate.model.Role.SYSTEM, "Be terse."),
                dev.tollgate.model.Message.text(dev.tollgate.model.Role.USER, "How many tokens is this?")));
        assertThat(JSON.readTree(r.body()).get("input_tokens").asLong()).isEqualTo(expected).isPositive();
        assertThat(openai.requestCount()).as("no upstream call for an estimate").isZero();

        MessageTokensCount sdk = client.messages().countTokens(MessageCountTokensParams.builder().model("gpt-4o-mini")
                .system("Be terse.").addUserMessage("How many tokens is this?").build());
        assertThat(sdk.inputTokens()).isEqualTo(expected);
    }

    @Test
    void anAnthropicCount_saysUpstream_andNoCountIsRecordedInTheLedger() {
        anthropic.enqueue(MockResponse.json(200, "{\"input_tokens\":14}"));
        int before = gateway.events().size();
        HttpResponse<String> r = gateway.post("/v1/messages/count_tokens",
                "{\"model\":\"claude-sonnet-4-5\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", "x-api-key", KEY);
        anthropic.takeRequest();

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-tollgate-token-count")).contains("upstream");
        assertThat(JSON.readTree(r.body()).get("input_tokens").asLong()).isEqualTo(14);
        assertThat(gateway.events()).as("a count is not billed: no usage event").hasSize(before);
    }

    @Test
    void anUnknownModel_isA404_andBadInputA400_inAnthropicsShape() {
        assertThatThrownBy(() -> client.messages().countTokens(MessageCountTokensParams.builder().model("no-such-model")
                .addUserMessage("Hi").build())).isInstanceOf(NotFoundException.class);
        HttpResponse<String> bad = gateway.post("/v1/messages/count_tokens", "{\"model\":\"gpt-4o-mini\",\"messages\":\"Hi\"}", "x-api-key", KEY);
        assertThat(bad.statusCode()).isEqualTo(400);
        JsonNode error = JSON.readTree(bad.body());
        assertThat(error.get("type").asString()).isEqualTo("error");
        assertThat(error.at("/error/message").asString()).contains("messages");
        assertThat(gateway.post("/v1/messages/count_tokens", "{\"messages\":[]}").statusCode()).as("no key").isEqualTo(401);
    }
}
