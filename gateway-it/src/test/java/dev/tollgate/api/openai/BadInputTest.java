package dev.tollgate.api.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.GatewayExtension;
import dev.tollgate.testing.RawHttp;
import dev.tollgate.testing.MockUpstream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Bad input gets a clear 4xx in OpenAI's error shape, never a 500, and never reaches the upstream.
 * The gateway keeps serving afterwards.
 */
class BadInputTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String KEY = "sk-master-test";
    private static final String OK = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @RegisterExtension
    @Order(1)
    static final MockUpstream upstream = new MockUpstream();

    @RegisterExtension
    @Order(2)
    static final GatewayExtension gateway = GatewayExtension.yaml("""
            master_key: sk-master-test
            server:
              max_body_bytes: 1048576
              max_header_bytes: 8192
            providers:
              - {name: openai, kind: openai, base_url: "${UPSTREAM}", api_key: sk-upstream}
            """).env("UPSTREAM", () -> upstream.baseUrl().toString());

    static Stream<Arguments> badBodies() {
        return Stream.of(
                Arguments.of("malformed JSON", "{\"model\":", 400, null),
                Arguments.of("empty body", "", 400, null),
                Arguments.of("a JSON array", "[1,2]", 400, null),
                Arguments.of("trailing garbage", OK + "x", 400, null),
                Arguments.of("missing messages", "{\"model\":\"gpt-4o-mini\"}", 400, "messages"),
                Arguments.of("messages not an array", "{\"model\":\"gpt-4o-mini\",\"messages\":\"hi\"}", 400, "messages"),
                Arguments.of("empty messages", "{\"model\":\"gpt-4o-mini\",\"messages\":[]}", 400, "messages"),
                Arguments.of("unknown role", "{\"messages\":[{\"role\":\"wizard\",\"content\":\"hi\"}]}", 400, "messages[0].role"),
                Arguments.of("content a number", "{\"messages\":[{\"role\":\"user\",\"content\":42}]}", 400, "messages[0].content"),
                Arguments.of("model a number", "{\"model\":4,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", 400, "model"),
                Arguments.of("stream a string", "{\"stream\":\"yes\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", 400, "stream"),
                Arguments.of("max_tokens zero", "{\"max_tokens\":0,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", 400, "max_tokens"),
                Arguments.of("temperature too high", "{\"temperature\":7,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", 400, "temperature"),
                Arguments.of("tools not an array", "{\"tools\":{},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", 400, "tools"),
                Arguments.of("unknown model", "{\"model\":\"no-such-model\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", 404, "model"),
                Arguments.of("injection in model", "{\"model\":\"gpt-4o-mini\\r\\nX-Evil: 1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", 400, "model"),
                Arguments.of("deeply nested", "{\"messages\":" + "[".repeat(5000) + "]".repeat(5000) + "}", 400, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badBodies")
    void badBody_isAClear4xx_andNeverReachesTheUpstream(String name, String body, int status, String param) {
        HttpResponse<String> response = gateway.post("/v1/chat/completions", body, "Authorization", "Bearer " + KEY);

        assertOpenAiError(response, status);
        JsonNode error = JSON.readTree(response.body()).path("error");
        if (param != null) {
            assertThat(error.path("param").asString()).isEqualTo(param);
        }
        assertThat(upstream.requestCount()).isZero();
    }

    @Test
    void invalidUtf8_isA400() {
        byte[] prefix = "{\"messages\":[{\"role\":\"user\",\"content\":\"".getBytes(StandardCharsets.US_ASCII);
        byte[] body = Arrays.copyOf(prefix, prefix.length + 6);
        body[prefix.length] = (byte) 0xC3;
        body[prefix.length + 1] = (byte) 0x28;
        System.arraycopy("\"}]}".getBytes(StandardCharsets.US_ASCII), 0, body, prefix.length + 2, 4);

        assertOpenAiError(gateway.postBytes("/v1/chat/completions", body, "Authorization", "Bearer " + KEY), 400);
    }

    @Test
    void fiftyMegabyteBody_isA413_andTheGatewayKeepsServing() throws Exception {
        byte[] huge = new byte[50 * 1024 * 1024];
        Arrays.fill(huge, (byte) 'a');
        HttpRequest request = HttpRequest.newBuilder(gateway.baseUrl().resolve("/v1/chat/completions"))
                .header("Authorization", "Bearer " + KEY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(huge)).build();
        HttpResponse<String> response;
        try (HttpClient client = HttpClient.newHttpClient()) {
            response = client.send(request, HttpResponse.BodyHandlers.ofString());
        }

        assertOpenAiError(response, 413);
        assertThat(gateway.post("/v1/chat/completions", OK, "Authorization", "Bearer " + KEY).statusCode()).isEqualTo(200);
    }

    @Test
    void hugeHeaders_areA400InJson_namingTheLimit() throws Exception {
        // A raw socket: the server answers before reading all the headers, and a normal client that is
        // still writing then loses the answer to a broken pipe.
        RawHttp.Answer answer = RawHttp.send(gateway.baseUrl(), "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Authorization: Bearer " + KEY + "\r\nContent-Type: application/json\r\nX-Filler: " + "f".repeat(20_000), OK);

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.head().toLowerCase(java.util.Locale.ROOT)).contains("content-type: application/json");
        JsonNode error = JSON.readTree(answer.body()).path("error");
        assertThat(error.path("type").asString()).isEqualTo("invalid_request_error");
        assertThat(error.path("message").asString()).contains("8192 bytes");
        assertThat(gateway.post("/v1/chat/completions", OK, "Authorization", "Bearer " + KEY).statusCode()).as("still serving").isEqualTo(200);
    }

    @Test
    void missingOrWrongKey_is401_withoutEchoingTheKey() {
        HttpResponse<String> none = gateway.post("/v1/chat/completions", OK);
        HttpResponse<String> wrong = gateway.post("/v1/chat/completions", OK, "Authorization", "Bearer sk-guess-1234567890");

        assertOpenAiError(none, 401);
        assertOpenAiError(wrong, 401);
        assertThat(wrong.body()).doesNotContain("sk-guess-1234567890").doesNotContain(KEY);
        assertThat(JSON.readTree(none.body()).path("error").path("message").asString()).contains("Authorization: Bearer");
        assertThat(upstream.requestCount()).isZero();
    }

    @Test
    void badTagHeader_isA400() {
        HttpResponse<String> response = gateway.post("/v1/chat/completions", OK, "Authorization", "Bearer " + KEY,
                "X-Tollgate-Agent", "<script>alert(1)</script>");

        assertOpenAiError(response, 400);
    }

    @Test
    void unknownRoute_isA404InJson() {
        assertOpenAiError(gateway.get("/v1/nothing-here", "Authorization", "Bearer " + KEY), 404);
    }

    @Test
    void embeddingsWithoutInput_isA400() {
        HttpResponse<String> response = gateway.post("/v1/embeddings", "{\"model\":\"text-embedding-3-small\"}", "Authorization", "Bearer " + KEY);

        assertOpenAiError(response, 400);
        assertThat(JSON.readTree(response.body()).path("error").path("param").asString()).isEqualTo("input");
    }

    @Test
    void randomBytes_neverCauseA500() {
        java.util.Random random = new java.util.Random(20261123L);
        for (int i = 0; i < 200; i++) {
            byte[] body = new byte[random.nextInt(64)];
            random.nextBytes(body);
            HttpResponse<String> response = gateway.postBytes("/v1/chat/completions", body, "Authorization", "Bearer " + KEY);
            assertThat(response.statusCode()).as("random body %d", i).isBetween(400, 499);
        }
        assertThat(upstream.requestCount()).isZero();
    }

    private static void assertOpenAiError(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        JsonNode error = JSON.readTree(response.body()).path("error");
        assertThat(error.path("message").asString()).isNotBlank();
        assertThat(error.path("type").asString()).isNotBlank();
        assertThat(error.has("param")).isTrue();
        assertThat(error.has("code")).isTrue();
    }

}
