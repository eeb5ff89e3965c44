package dev.tollgate.api.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.errors.NotFoundException;
import com.anthropic.errors.UnauthorizedException;
import com.anthropic.models.messages.MessageCreateParams;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.testing.GatewayExtension;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Every refusal on {@code /v1/messages} is a 4xx in Anthropic's error shape, never a 500. */
class MessagesBadInputTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String KEY = "sk-tollgate-test";

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.yaml("""
            master_key: sk-tollgate-test
            server:
              max_body_bytes: 4096
              max_header_bytes: 8192
            providers:
              - name: sim
                kind: simulated
                models: [tollgate-sim]
                simulated: {first_token_ms: 0, inter_token_ms: 0}
            """);

    private static JsonNode anthropicError(HttpResponse<String> response, int status, String type) {
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().firstValue("content-type")).contains("application/json");
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("type").asString()).isEqualTo("error");
        assertThat(body.at("/error/type").asString()).isEqualTo(type);
        assertThat(body.at("/error/message").asString()).isNotBlank();
        return body;
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            {"model":"tollgate-sim","max_tokens":                                                  | request body is not valid JSON
            [1,2,3]                                                                                | request body must be a JSON object
            {"model":"tollgate-sim","messages":[{"role":"user","content":"hi"}]}                   | max_tokens: missing (expected: an integer from 1 to 1000000)
            {"model":"tollgate-sim","max_tokens":10,"messages":{"role":"user"}}                    | messages: an object (expected: an array of messages)
            {"model":"tollgate-sim","max_tokens":-1,"messages":[{"role":"user","content":"hi"}]}   | max_tokens: -1 (expected: an integer from 1 to 1000000)
            {"model":"tollgate-sim","max_tokens":10,"stream":"yes","messages":[{"role":"user","content":"hi"}]} | stream: a string (expected: true or false)
            {"model":42,"max_tokens":10,"messages":[{"role":"user","content":"hi"}]}               | model: 42 (expected: a string)
            """)
    void badBodies_areInvalidRequestErrors(String body, String message) {
        HttpResponse<String> response = gateway.post("/v1/messages", body, "x-api-key", KEY);

        assertThat(anthropicError(response, 400, "invalid_request_error").at("/error/message").asString()).startsWith(message);
        UsageEvent event = gateway.event(response.headers().firstValue("x-tollgate-request-id").orElseThrow());
        assertThat(event.status()).isEqualTo(400);
    }

    @Test
    void emptyBodyAndInvalidUtf8_areInvalidRequestErrors() {
        anthropicError(gateway.post("/v1/messages", "", "x-api-key", KEY), 400, "invalid_request_error");
        byte[] bad = "{\"model\":\"tollgate-sim\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"\u0000\"}]}"
                .getBytes(StandardCharsets.UTF_8);
        byte[] invalid = Arrays.copyOf(bad, bad.length);
        invalid[bad.length - 5] = (byte) 0xC3; // a lone lead byte inside the string
        anthropicError(gateway.postBytes("/v1/messages", invalid, "x-api-key", KEY), 400, "invalid_request_error");
    }

    @Test
    void missingOrWrongKey_isAnAuthenticationError() {
        String body = "{\"model\":\"tollgate-sim\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

        anthropicError(gateway.post("/v1/messages", body), 401, "authentication_error");
        anthropicError(gateway.post("/v1/messages", body, "x-api-key", "sk-wrong"), 401, "authentication_error");
    }

    @Test
    void bearerTokenAndXApiKey_bothAuthenticate() {
        String body = "{\"model\":\"tollgate-sim\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

        for (HttpResponse<String> response : new HttpResponse[] {gateway.post("/v1/messages", body, "x-api-key", KEY),
                gateway.post("/v1/messages", body, "authorization", "Bearer " + KEY)}) {
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(response.body()).get("type").asString()).isEqualTo("message");
        }
    }

    @Test
    void unknownModel_isANotFoundError() {
        HttpResponse<String> response = gateway.post("/v1/messages",
                "{\"model\":\"claude-opus-9\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "x-api-key", KEY);

        assertThat(anthropicError(response, 404, "not_found_error").at("/error/message").asString())
                .isEqualTo("model 'claude-opus-9' is not served by any configured provider (GET /v1/models lists them)");
    }

    @Test
    void tooLargeBody_isRequestTooLarge() {
        String body = "{\"model\":\"tollgate-sim\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(8000) + "\"}]}";

        anthropicError(gateway.post("/v1/messages", body, "x-api-key", KEY), 413, "request_too_large");
    }

    @Test
    void hugeHeaders_areRefusedBeforeAnyRoute_stillInAnthropicsShape() throws Exception {
        // A raw socket: the server answers before reading all the headers, and a normal client that is
        // still writing then loses the answer to a broken pipe.
        dev.tollgate.testing.RawHttp.Answer answer = dev.tollgate.testing.RawHttp.send(gateway.baseUrl(),
                "POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: " + KEY + "\r\nContent-Type: application/json\r\n"
                        + "X-Filler: " + "f".repeat(20_000), "{}");

        assertThat(answer.status()).isEqualTo(400);
        JsonNode body = JSON.readTree(answer.body());
        assertThat(body.get("type").asString()).isEqualTo("error");
        assertThat(body.at("/error/type").asString()).isEqualTo("invalid_request_error");
        assertThat(body.at("/error/message").asString()).contains("max_header_bytes");
        assertThat(gateway.post("/v1/messages", "{}", "x-api-key", KEY).statusCode()).as("still serving").isEqualTo(400);
    }

    @Test
    void theSdk_seesTypedErrors() {
        AnthropicClient client = AnthropicOkHttpClient.builder().baseUrl(gateway.baseUrl().toString()).apiKey(KEY).maxRetries(0).build();
        AnthropicClient wrong = AnthropicOkHttpClient.builder().baseUrl(gateway.baseUrl().toString()).apiKey("sk-wrong").maxRetries(0).build();
        try {
            MessageCreateParams unknown = MessageCreateParams.builder().model("claude-opus-9").maxTokens(10).addUserMessage("hi").build();
            assertThatThrownBy(() -> client.messages().create(unknown))
                    .isInstanceOfSatisfying(NotFoundException.class, e -> assertThat(e.getMessage()).contains("claude-opus-9"));
            MessageCreateParams fine = MessageCreateParams.builder().model("tollgate-sim").maxTokens(10).addUserMessage("hi").build();
            assertThatThrownBy(() -> wrong.messages().create(fine)).isInstanceOf(UnauthorizedException.class);
        } finally {
            client.close();
            wrong.close();
        }
    }
}
