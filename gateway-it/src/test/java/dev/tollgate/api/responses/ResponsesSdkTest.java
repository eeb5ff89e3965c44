package dev.tollgate.api.responses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseOutputText;
import com.openai.models.responses.ResponseStreamEvent;
import com.openai.models.responses.ResponseUsage;
import dev.tollgate.model.Usage;
import dev.tollgate.testing.GatewayExtension;
import dev.tollgate.testing.MockResponse;
import dev.tollgate.testing.MockUpstream;
import dev.tollgate.testing.OpenAiFixtures;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * openai-java's {@code responses()} against a running gateway whose upstream is an OpenAI-compatible mock:
 * the request reaches the upstream as a chat completion, and the SDK reads the answer, the event stream,
 * a function tool round trip and a {@code previous_response_id} chain as it would read OpenAI's. Answers
 * are checked against OpenAI's published {@code Response} and {@code ResponseStreamEvent} schemas too.
 */
class ResponsesSdkTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String MASTER = "sk-tollgate-test";

    @RegisterExtension
    @Order(1)
    static final MockUpstream upstream = new MockUpstream();

    @RegisterExtension
    @Order(2)
    static final GatewayExtension gateway = GatewayExtension.yaml("""
            master_key: sk-tollgate-test
            providers:
              - {name: openai, kind: openai, base_url: "${UPSTREAM}", api_key: sk-upstream-secret, responses_api: translate}
            """).env("UPSTREAM", () -> upstream.baseUrl().toString());

    static OpenAIClient client;

    @BeforeAll
    static void client() {
        client = OpenAIOkHttpClient.builder().baseUrl(gateway.baseUrl() + "/v1").apiKey(MASTER).maxRetries(0)
                .timeout(Duration.ofSeconds(20)).build();
    }

    @AfterAll
    static void closeClient() {
        client.close();
    }

    @Test
    void plainResponse_isTranslatedBothWays_andMatchesOpenAisSchema() {
        upstream.enqueue(MockResponse.json(200, OpenAiFixtures.chatCompletion("gpt-4o-mini", "Paris.", new Usage(25, 2, 10, 0, false))));

        Response response = client.responses().create(ResponseCreateParams.builder().model("gpt-4o-mini")
                .instructions("Be terse.").input("Capital of France?").maxOutputTokens(64).temperature(0.2).build());

        assertThat(response.id()).startsWith("resp_");
        assertThat(text(response)).isEqualTo("Paris.");
        ResponseUsage usage = response.usage().orElseThrow();
        assertThat(List.of(usage.inputTokens(), usage.inputTokensDetails().cachedTokens(), usage.outputTokens(), usage.totalTokens()))
                .containsExactly(25L, 10L, 2L, 27L);
        JsonNode sent = JSON.readTree(upstream.takeRequest().body());
        assertThat(sent.at("/messages/0/role").asString()).isEqualTo("system");
        assertThat(sent.at("/messages/0/content").asString()).isEqualTo("Be terse.");
        assertThat(sent.at("/messages/1/content").asString()).isEqualTo("Capital of France?");
        assertThat(sent.get("max_completion_tokens").asInt()).isEqualTo(64);
        assertThat(sent.get("temperature").asDouble()).isEqualTo(0.2);

        JsonNode kept = JSON.readTree(gateway.get("/v1/responses/" + response.id(), "authorization", "Bearer " + MASTER).body());
        assertThat(ResponsesSchema.violations("Response", kept)).isEmpty();
        assertThat(kept.at("/output/0/content/0/text").asString()).isEqualTo("Paris.");
    }

    @Test
    void streamedResponse_deliversTheEventsTheSdkParses_withUsage() {
        upstream.enqueue(MockResponse.sse(OpenAiFixtures.chunks("gpt-4o-mini", List.of("Par", "is", "."), new Usage(30, 3, 0, 0, false))));
        StringBuilder text = new StringBuilder();
        List<ResponseStreamEvent> events = new ArrayList<>();
        try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(ResponseCreateParams.builder()
                .model("gpt-4o-mini").input("Capital of France?").build())) {
            stream.stream().forEach(event -> {
                events.add(event);
                event.outputTextDelta().ifPresent(d -> text.append(d.delta()));
            });
        }
        assertThat(text.toString()).isEqualTo("Paris.");
        Response completed = events.getLast().completed().orElseThrow().response();
        assertThat(text(completed)).isEqualTo("Paris.");
        assertThat(completed.usage().orElseThrow().outputTokens()).isEqualTo(3);
        assertThat(completed.usage().orElseThrow().inputTokens()).isEqualTo(30);
        assertThat(events.getFirst().isCreated()).isTrue();
    }

    @Test
    void streamedEvents_matchOpenAisStreamEventSchema() {
        upstream.enqueue(MockResponse.sse(OpenAiFixtures.toolCallChunks("gpt-4o-mini", "call_7", "get_weather",
                List.of("{\"city\":", "\"Paris\"}"), new Usage(40, 9, 0, 0, false))));
        HttpResponse<String> r = gateway.post("/v1/responses", "{\"model\":\"gpt-4o-mini\",\"input\":\"Weather?\",\"stream\":true,"
                + "\"tools\":[{\"type\":\"function\",\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\"}}]}", "authorization", "Bearer " + MASTER);
        assertThat(r.statusCode()).isEqualTo(200);
        List<String> types = new ArrayList<>();
        List<Long> sequence = new ArrayList<>();
        StringBuilder arguments = new StringBuilder();
        for (String line : r.body().split("\n")) {
            if (!line.startsWith("data: ")) {
                continue;
            }
            JsonNode event = JSON.readTree(line.substring(6));
            assertThat(ResponsesSchema.eventViolations(event)).as(event.toString()).isEmpty();
            types.add(event.get("type").asString());
            sequence.add(event.get("sequence_number").asLong());
            if (event.get("type").asString().equals("response.function_call_arguments.delta")) {
                arguments.append(event.get("delta").asString());
            }
        }
        assertThat(types).containsExactly("response.created", "response.in_progress", "response.output_item.added",
                "response.function_call_arguments.delta", "response.function_call_arguments.delta", "response.function_call_arguments.done",
                "response.output_item.done", "response.completed");
        assertThat(arguments.toString()).isEqualTo("{\"city\":\"Paris\"}");
        assertThat(sequence).as("sequence numbers count from 0, one per event").isEqualTo(java.util.stream.LongStream.range(0, types.size()).boxed().toList());
    }

    @Test
    void functionToolRoundTrip_callsThenAnswersFromTheToolOutput() {
        upstream.enqueue(MockResponse.json(200, OpenAiFixtures.toolCallCompletion("gpt-4o-mini", "call_abc", "get_weather",
                "{\"city\":\"Paris\"}", new Usage(50, 8, 0, 0, false))));
        FunctionTool tool = FunctionTool.builder().name("get_weather").strict(false)
                .parameters(FunctionTool.Parameters.builder().putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string")))).build()).build();
        Response first = client.responses().create(ResponseCreateParams.builder().model("gpt-4o-mini").input("Weather in Paris?")
                .addTool(tool).build());
        ResponseFunctionToolCall call = first.output().getFirst().functionCall().orElseThrow();
        assertThat(call.callId()).isEqualTo("call_abc");
        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(JSON.readTree(call.arguments())).isEqualTo(JSON.readTree("{\"city\":\"Paris\"}"));
        JsonNode firstSent = JSON.readTree(upstream.takeRequest().body());
        assertThat(firstSent.at("/tools/0/function/name").asString()).isEqualTo("get_weather");

        upstream.enqueue(MockResponse.json(200, OpenAiFixtures.chatCompletion("gpt-4o-mini", "It is 18C in Paris.", new Usage(70, 7, 0, 0, false))));
        Response second = client.responses().create(ResponseCreateParams.builder().model("gpt-4o-mini").addTool(tool)
                .inputOfResponse(List.of(
                        ResponseInputItem.ofEasyInputMessage(com.openai.models.responses.EasyInputMessage.builder()
                                .role(com.openai.models.responses.EasyInputMessage.Role.USER).content("Weather in Paris?").build()),
                        ResponseInputItem.ofFunctionCall(call),
                        ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput.builder().callId("call_abc").output("18C").build())))
                .build());
        assertThat(text(second)).isEqualTo("It is 18C in Paris.");
        JsonNode sent = JSON.readTree(upstream.takeRequest().body());
        assertThat(sent.at("/messages/1/tool_calls/0/id").asString()).isEqualTo("call_abc");
        assertThat(sent.at("/messages/1/tool_calls/0/function/arguments").asString()).isEqualTo(call.arguments());
        assertThat(sent.at("/messages/2/role").asString()).isEqualTo("tool");
        assertThat(sent.at("/messages/2/tool_call_id").asString()).isEqualTo("call_abc");
        assertThat(sent.at("/messages/2/content").asString()).isEqualTo("18C");
    }

    @Test
    void previousResponseId_chainsOnTheEarlierInputAndOutput_andDeleteEndsIt() {
        upstream.enqueue(MockResponse.json(200, OpenAiFixtures.chatCompletion("gpt-4o-mini", "Hello Ada.", new Usage(12, 3, 0, 0, false))));
        Response first = client.responses().create(ResponseCreateParams.builder().model("gpt-4o-mini").instructions("Be kind.")
                .input("My name is Ada.").build());
        upstream.takeRequest();
        upstream.enqueue(MockResponse.json(200, OpenAiFixtures.chatCompletion("gpt-4o-mini", "Ada.", new Usage(20, 2, 0, 0, false))));

        Response second = client.responses().create(ResponseCreateParams.builder().model("gpt-4o-mini").previousResponseId(first.id())
                .input("What is my name?").build());

        assertThat(second.previousResponseId()).contains(first.id());
        JsonNode messages = JSON.readTree(upstream.takeRequest().body()).get("messages");
        List<String> turns = new ArrayList<>();
        messages.forEach(m -> turns.add(m.get("role").asString() + ": " + m.get("content").asString()));
        assertThat(turns).as("the earlier instructions are not carried over").containsExactly(
                "user: My name is Ada.", "assistant: Hello Ada.", "user: What is my name?");

        assertThat(client.responses().retrieve(second.id()).id()).isEqualTo(second.id());
        client.responses().delete(first.id());
        assertThatThrownBy(() -> client.responses().retrieve(first.id())).isInstanceOf(NotFoundException.class);
        HttpResponse<String> chained = gateway.post("/v1/responses", "{\"model\":\"gpt-4o-mini\",\"input\":\"Again?\",\"previous_response_id\":\""
                + first.id() + "\"}", "authorization", "Bearer " + MASTER);
        assertThat(chained.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(chained.body()).at("/error/param").asString()).isEqualTo("previous_response_id");
    }

    @Test
    void anotherOrgsResponse_isNotFound_forGetDeleteAndChaining() {
        assertThat(gateway.post("/governance/orgs", "{\"id\":\"globex\",\"name\":\"Globex\"}", "authorization", "Bearer " + MASTER).statusCode())
                .isEqualTo(200);
        HttpResponse<String> created = gateway.post("/governance/api-keys", "{\"name\":\"g\",\"org_id\":\"globex\",\"scopes\":[\"infer\"]}",
                "authorization", "Bearer " + MASTER);
        String other = JSON.readTree(created.body()).get("key").asString();
        upstream.enqueue(MockResponse.json(200, OpenAiFixtures.chatCompletion("gpt-4o-mini", "Secret.", new Usage(5, 1, 0, 0, false))));
        Response mine = client.responses().create(ResponseCreateParams.builder().model("gpt-4o-mini").input("Tell me.").build());
        upstream.takeRequest();

        HttpResponse<String> read = gateway.get("/v1/responses/" + mine.id(), "authorization", "Bearer " + other);
        HttpResponse<String> delete = gateway.send("DELETE", "/v1/responses/" + mine.id(), "", "authorization", "Bearer " + other);
        HttpResponse<String> chain = gateway.post("/v1/responses", "{\"model\":\"gpt-4o-mini\",\"input\":\"More.\",\"previous_response_id\":\""
                + mine.id() + "\"}", "authorization", "Bearer " + other);

        assertThat(read.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(read.body()).at("/error/code").asString()).isEqualTo("response_not_found");
        assertThat(read.body()).doesNotContain("Secret");
        assertThat(delete.statusCode()).isEqualTo(404);
        assertThat(chain.statusCode()).isEqualTo(400);
        assertThat(client.responses().retrieve(mine.id()).id()).as("still there for its own org").isEqualTo(mine.id());
    }

    @Test
    void storeFalse_keepsNothing() {
        upstream.enqueue(MockResponse.json(200, OpenAiFixtures.chatCompletion("gpt-4o-mini", "Ok.", new Usage(5, 1, 0, 0, false))));
        Response response = client.responses().create(ResponseCreateParams.builder().model("gpt-4o-mini").input("Hi").store(false).build());
        upstream.takeRequest();
        assertThat(response._additionalProperties().get("store")).isEqualTo(JsonValue.from(false));
        assertThatThrownBy(() -> client.responses().retrieve(response.id())).isInstanceOf(NotFoundException.class);
    }

    private static String text(Response response) {
        StringBuilder out = new StringBuilder();
        response.output().forEach(item -> item.message().ifPresent(m -> m.content().forEach(c -> c.outputText()
                .map(ResponseOutputText::text).ifPresent(out::append))));
        return out.toString();
    }
}
