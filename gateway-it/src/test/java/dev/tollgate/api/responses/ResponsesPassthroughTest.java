package dev.tollgate.api.responses;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseIncludable;
import com.openai.models.responses.ResponseOutputText;
import com.openai.models.responses.ResponseStreamEvent;
import dev.tollgate.model.Usage;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.testing.GatewayExtension;
import dev.tollgate.testing.MockResponse;
import dev.tollgate.testing.MockUpstream;
import dev.tollgate.testing.OpenAiFixtures;
import dev.tollgate.testing.RecordedRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code kind: openai} serves the Responses API itself, so {@code POST /v1/responses} is passed through to its
 * {@code /responses} as the client wrote it ({@code responses_api: passthrough}, the default for that kind): the
 * upstream's response object and events reach openai-java untouched (reasoning items, annotations, its ids), the
 * usage it reports is what the ledger bills, a chain on a kept response goes out translated, and a cut stream ends
 * with an error event. The mock's objects and events are checked against OpenAI's published schemas first, so it
 * speaks the wire format the SDK expects.
 */
class ResponsesPassthroughTest {

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
              - {name: openai, kind: openai, base_url: "${UPSTREAM}", api_key: sk-upstream-secret}
              - {name: box, kind: openai_compatible, base_url: "${UPSTREAM}", prefix: "box/"}
            cache:
              exact: {enabled: true}
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
    void aPlainResponse_isTheUpstreamsOwn_billedAsItReports_andKept() {
        ObjectNode answer = response("resp_upstream_plain", "completed", output(reasoning("rs_1"), message("msg_1", "Paris.")),
                usage(120, 20, 30, 12));
        assertThat(ResponsesSchema.violations("Response", answer)).as("the mock's response").isEmpty();
        upstream.enqueue(MockResponse.json(200, answer.toString()));

        Response response = client.responses().create(ResponseCreateParams.builder().model("gpt-4o-mini").instructions("Be terse.")
                .input("Capital of France?").addInclude(ResponseIncludable.REASONING_ENCRYPTED_CONTENT)
                .truncation(ResponseCreateParams.Truncation.AUTO).build());

        assertThat(response.id()).isEqualTo("resp_upstream_plain");
        assertThat(response.output()).hasSize(2);
        assertThat(response.output().getFirst().isReasoning()).as("an item translation has no place for").isTrue();
        assertThat(response.output().get(1).asMessage().content().getFirst().asOutputText().annotations()).hasSize(1);
        RecordedRequest sent = upstream.takeRequest();
        assertThat(sent.path()).isEqualTo("/v1/responses");
        assertThat(sent.headers().get("authorization")).containsExactly("Bearer sk-upstream-secret");
        JsonNode body = JSON.readTree(sent.body());
        assertThat(body.get("instructions").asString()).isEqualTo("Be terse.");
        assertThat(body.get("input").asString()).isEqualTo("Capital of France?");
        assertThat(body.get("truncation").asString()).as("a field Tollgate does not model reaches the upstream").isEqualTo("auto");
        assertThat(body.at("/include/0").asString()).isEqualTo("reasoning.encrypted_content");

        UsageEvent event = gateway.events().stream().filter(e -> e.usage().inputTokens() == 120).findFirst().orElseThrow();
        assertThat(event.usage()).isEqualTo(new Usage(120, 30, 20, 12, false));
        assertThat(List.of(event.provider(), event.model())).containsExactly("openai", "gpt-4o-mini");
        assertThat(event.costUsd()).isPositive();
        JsonNode kept = JSON.readTree(gateway.get("/v1/responses/resp_upstream_plain", "authorization", "Bearer " + MASTER).body());
        assertThat(kept.get("id").asString()).isEqualTo("resp_upstream_plain");
        assertThat(kept.at("/output/1/content/0/text").asString()).isEqualTo("Paris.");
    }

    @Test
    void aChainOnAKeptPassthroughResponse_goesOutTranslated_withTheWholeConversation() {
        upstream.enqueue(MockResponse.json(200, response("resp_upstream_first", "completed", output(message("msg_a", "Hello Ada.")),
                usage(12, 0, 3, 0)).toString()));
        Response first = client.responses().create(ResponseCreateParams.builder().model("gpt-4o-mini").input("My name is Ada.").build());
        assertThat(upstream.takeRequest().path()).isEqualTo("/v1/responses");
        upstream.enqueue(MockResponse.json(200, OpenAiFixtures.chatCompletion("gpt-4o-mini", "Ada.", new Usage(20, 2, 0, 0, false))));

        Response second = client.responses().create(ResponseCreateParams.builder().model("gpt-4o-mini").previousResponseId(first.id())
                .input("What is my name?").build());

        assertThat(second.output().getFirst().asMessage().content().getFirst().asOutputText().text()).isEqualTo("Ada.");
        assertThat(second.previousResponseId()).contains("resp_upstream_first");
        RecordedRequest sent = upstream.takeRequest();
        assertThat(sent.path()).as("only Tollgate holds the earlier turn").isEqualTo("/v1/chat/completions");
        List<String> turns = new ArrayList<>();
        JSON.readTree(sent.body()).get("messages").forEach(m -> turns.add(m.get("role").asString() + ": " + m.get("content").asString()));
        assertThat(turns).containsExactly("user: My name is Ada.", "assistant: Hello Ada.", "user: What is my name?");
    }

    @Test
    void aStreamedResponse_relaysTheUpstreamsEvents_andBillsTheCompletedUsage() {
        List<String> events = stream("resp_upstream_stream", List.of("Par", "is."), usage(40, 0, 3, 0));
        upstream.enqueue(MockResponse.sse(events));
        List<ResponseStreamEvent> received = new ArrayList<>();
        StringBuilder text = new StringBuilder();

        try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(ResponseCreateParams.builder()
                .model("gpt-4o-mini").input("Capital of France?").build())) {
            stream.stream().forEach(event -> {
                received.add(event);
                event.outputTextDelta().ifPresent(d -> text.append(d.delta()));
            });
        }

        assertThat(text.toString()).isEqualTo("Paris.");
        assertThat(received).hasSize(events.size());
        Response completed = received.getLast().completed().orElseThrow().response();
        assertThat(completed.id()).isEqualTo("resp_upstream_stream");
        assertThat(completed.usage().orElseThrow().outputTokens()).isEqualTo(3);
        JsonNode sent = JSON.readTree(upstream.takeRequest().body());
        assertThat(sent.get("stream").asBoolean()).isTrue();
        assertThat(sent.has("stream_options")).as("the Responses API has no stream_options").isFalse();
        UsageEvent event = gateway.events().stream().filter(e -> e.usage().inputTokens() == 40).findFirst().orElseThrow();
        assertThat(event.usage()).isEqualTo(new Usage(40, 3, 0, 0, false));
        assertThat(event.status()).isEqualTo(200);
    }

    @Test
    void aStreamCutMidWay_endsWithAnErrorEvent_andIsBilledForWhatWasDelivered() {
        List<String> events = stream("resp_upstream_cut", List.of("Once upon a time", " there was"), usage(55, 0, 9, 0));
        upstream.enqueue(MockResponse.sse(events).withFault(MockResponse.Fault.RESET, 5));

        HttpResponse<String> r = gateway.post("/v1/responses", "{\"model\":\"gpt-4o-mini\",\"input\":\"A story\",\"stream\":true}",
                "authorization", "Bearer " + MASTER);

        List<String> types = new ArrayList<>();
        for (String line : r.body().split("\n")) {
            if (line.startsWith("data: ")) {
                JsonNode event = JSON.readTree(line.substring(6));
                assertThat(ResponsesSchema.eventViolations(event)).as(event.toString()).isEmpty();
                types.add(event.get("type").asString());
            }
        }
        assertThat(types).containsExactly("response.created", "response.in_progress", "response.output_item.added",
                "response.content_part.added", "response.output_text.delta", "error", "response.failed");
        assertThat(types).doesNotContain("response.completed");
        UsageEvent event = gateway.event(r.headers().firstValue("x-tollgate-request-id").orElseThrow());
        assertThat(event.usage().estimated()).isTrue();
        assertThat(event.usage().outputTokens()).as("what was delivered").isPositive();
    }

    @Test
    void anUpstreamError_isOpenAisErrorShape_withTheStatus() {
        upstream.enqueue(MockResponse.json(400, "{\"error\":{\"message\":\"Unsupported parameter: 'foo'.\",\"type\":\"invalid_request_error\","
                + "\"param\":\"foo\",\"code\":\"unsupported_parameter\"}}"));

        HttpResponse<String> r = gateway.post("/v1/responses", "{\"model\":\"gpt-4o-mini\",\"input\":\"Hi\",\"foo\":1}",
                "authorization", "Bearer " + MASTER);

        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode error = JSON.readTree(r.body()).get("error");
        assertThat(error.get("message").asString()).contains("Unsupported parameter");
        assertThat(r.body()).doesNotContain("sk-upstream-secret");
    }

    @Test
    void aPassthroughAnswer_isNotStoredInTheCache_soTheSameRequestReachesTheUpstreamAgain() {
        for (int i = 0; i < 2; i++) {
            upstream.enqueue(MockResponse.json(200, response("resp_upstream_again_" + i, "completed", output(message("msg_" + i, "Same.")),
                    usage(9, 0, 1, 0)).toString()));
        }
        int before = upstream.requestCount();

        HttpResponse<String> first = gateway.post("/v1/responses", "{\"model\":\"gpt-4o-mini\",\"input\":\"Repeat me\"}", "authorization", "Bearer " + MASTER);
        HttpResponse<String> second = gateway.post("/v1/responses", "{\"model\":\"gpt-4o-mini\",\"input\":\"Repeat me\"}", "authorization", "Bearer " + MASTER);

        assertThat(List.of(first.statusCode(), second.statusCode())).containsExactly(200, 200);
        assertThat(second.headers().firstValue("x-tollgate-cache")).contains("miss");
        assertThat(JSON.readTree(second.body()).get("id").asString()).isEqualTo("resp_upstream_again_1");
        assertThat(upstream.requestCount() - before).isEqualTo(2);
    }

    @Test
    void aBuiltInTool_reachesOpenAi_andItsCallItemReachesTheClient() {
        ObjectNode searched = JSON.createObjectNode().put("id", "ws_1").put("type", "web_search_call").put("status", "completed");
        searched.putObject("action").put("type", "search").put("query", "Paris weather");
        ObjectNode answer = response("resp_upstream_search", "completed", output(searched, message("msg_w", "18C and sunny.")), usage(300, 0, 12, 0));
        assertThat(ResponsesSchema.violations("Response", answer)).as("the mock's response").isEmpty();
        // The same question as a chat call without the tool, answered and stored in the exact cache first.
        upstream.enqueue(MockResponse.json(200, OpenAiFixtures.chatCompletion("gpt-4o", "I cannot browse.", new Usage(10, 4, 0, 0, false))));
        HttpResponse<String> chat = gateway.post("/v1/chat/completions", "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"Weather in Paris now?\"}]}", "authorization", "Bearer " + MASTER);
        assertThat(chat.statusCode()).isEqualTo(200);
        assertThat(gateway.post("/v1/chat/completions", "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"Weather in Paris now?\"}]}", "authorization", "Bearer " + MASTER).headers().firstValue("x-tollgate-cache"))
                .as("the chat answer is cached").contains("exact");
        upstream.takeRequest();
        upstream.enqueue(MockResponse.json(200, answer.toString()));

        HttpResponse<String> r = gateway.post("/v1/responses", "{\"model\":\"gpt-4o\",\"input\":\"Weather in Paris now?\","
                + "\"tools\":[{\"type\":\"web_search\"}],\"tool_choice\":{\"type\":\"web_search\"}}", "authorization", "Bearer " + MASTER);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.at("/output/0/type").asString()).isEqualTo("web_search_call");
        assertThat(body.at("/output/1/content/0/text").asString()).isEqualTo("18C and sunny.");
        JsonNode sent = JSON.readTree(upstream.takeRequest().body());
        assertThat(sent.at("/tools/0/type").asString()).isEqualTo("web_search");
        assertThat(sent.at("/tool_choice/type").asString()).isEqualTo("web_search");
        assertThat(r.headers().firstValue("x-tollgate-cache")).as("not answered by the cached chat answer: its key cannot see the tool")
                .isNotEqualTo(java.util.Optional.of("exact"));
    }

    @Test
    void aBuiltInTool_toAProviderThatTranslates_isA400NamingTheTool_beforeAnyUpstreamCall() {
        int before = upstream.requestCount();

        HttpResponse<String> r = gateway.post("/v1/responses", "{\"model\":\"box/gpt-4o\",\"input\":\"News?\","
                + "\"tools\":[{\"type\":\"function\",\"name\":\"f\"},{\"type\":\"file_search\",\"vector_store_ids\":[\"vs_1\"]}]}",
                "authorization", "Bearer " + MASTER);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonNode error = JSON.readTree(r.body()).get("error");
        assertThat(error.get("param").asString()).isEqualTo("tools[1].type");
        assertThat(error.get("message").asString()).contains("built-in tools").contains("box translates");
        assertThat(upstream.requestCount()).isEqualTo(before);
    }

    @Test
    void aBuiltInTool_withPreviousResponseId_isA400_sinceTheChainIsTranslated() {
        upstream.enqueue(MockResponse.json(200, response("resp_upstream_base", "completed", output(message("msg_b", "Hi.")), usage(5, 0, 1, 0)).toString()));
        String id = JSON.readTree(gateway.post("/v1/responses", "{\"model\":\"gpt-4o\",\"input\":\"Hi\"}", "authorization", "Bearer " + MASTER)
                .body()).get("id").asString();
        int before = upstream.requestCount();

        HttpResponse<String> r = gateway.post("/v1/responses", "{\"model\":\"gpt-4o\",\"input\":\"Search it\",\"previous_response_id\":\""
                + id + "\",\"tools\":[{\"type\":\"web_search\"}]}", "authorization", "Bearer " + MASTER);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).at("/error/param").asString()).isEqualTo("tools[0].type");
        assertThat(upstream.requestCount()).isEqualTo(before);
    }

    // --- OpenAI's Responses wire format, as the upstream mock speaks it ---

    private static ObjectNode response(String id, String status, ArrayNode output, ObjectNode usage) {
        ObjectNode r = JSON.createObjectNode().put("id", id).put("object", "response").put("created_at", 1_764_000_000L).put("status", status);
        if (status.equals("completed")) {
            r.put("completed_at", 1_764_000_001L);
        }
        r.putNull("error");
        r.putNull("incomplete_details");
        r.putNull("instructions");
        r.putNull("max_output_tokens");
        r.put("model", "gpt-4o-mini-2024-07-18");
        r.set("output", output);
        r.put("parallel_tool_calls", true);
        r.putNull("previous_response_id");
        r.putObject("reasoning").putNull("effort").putNull("summary");
        r.put("store", true).put("temperature", 1.0);
        r.putObject("text").putObject("format").put("type", "text");
        r.put("tool_choice", "auto");
        r.putArray("tools");
        r.put("top_p", 1.0).put("truncation", "disabled");
        if (usage != null) {
            r.set("usage", usage);
        }
        r.putObject("metadata");
        return r;
    }

    private static ArrayNode output(ObjectNode... items) {
        ArrayNode out = JSON.createArrayNode();
        for (ObjectNode item : items) {
            out.add(item);
        }
        return out;
    }

    private static ObjectNode reasoning(String id) {
        ObjectNode item = JSON.createObjectNode().put("id", id).put("type", "reasoning");
        item.putArray("summary").addObject().put("type", "summary_text").put("text", "The capital of France is well known.");
        item.put("encrypted_content", "gAAAAB-opaque");
        return item;
    }

    private static ObjectNode message(String id, String text) {
        ObjectNode item = JSON.createObjectNode().put("id", id).put("type", "message").put("status", "completed").put("role", "assistant");
        ObjectNode part = item.putArray("content").addObject().put("type", "output_text").put("text", text);
        part.putArray("annotations").addObject().put("type", "url_citation").put("start_index", 0).put("end_index", text.length())
                .put("url", "https://example.com/paris").put("title", "Paris");
        part.putArray("logprobs");
        return item;
    }

    private static ObjectNode usage(long input, long cached, long output, long reasoningTokens) {
        ObjectNode u = JSON.createObjectNode().put("input_tokens", input);
        u.putObject("input_tokens_details").put("cached_tokens", cached).put("cache_write_tokens", 0);
        u.put("output_tokens", output);
        u.putObject("output_tokens_details").put("reasoning_tokens", reasoningTokens);
        u.put("total_tokens", input + output);
        return u;
    }

    /** The events OpenAI sends for one text message, each checked against the published event schema. */
    private static List<String> stream(String id, List<String> deltas, ObjectNode usage) {
        String text = String.join("", deltas);
        List<ObjectNode> events = new ArrayList<>();
        ObjectNode started = response(id, "in_progress", JSON.createArrayNode(), null);
        events.add(JSON.createObjectNode().put("type", "response.created").set("response", started));
        events.add(JSON.createObjectNode().put("type", "response.in_progress").set("response", started));
        ObjectNode item = JSON.createObjectNode().put("id", "msg_s").put("type", "message").put("status", "in_progress").put("role", "assistant");
        item.putArray("content");
        events.add(JSON.createObjectNode().put("type", "response.output_item.added").put("output_index", 0).set("item", item));
        ObjectNode emptyPart = JSON.createObjectNode().put("type", "output_text").put("text", "");
        emptyPart.putArray("annotations");
        emptyPart.putArray("logprobs");
        events.add(JSON.createObjectNode().put("type", "response.content_part.added").put("item_id", "msg_s").put("output_index", 0)
                .put("content_index", 0).set("part", emptyPart));
        for (String delta : deltas) {
            ObjectNode e = JSON.createObjectNode().put("type", "response.output_text.delta").put("item_id", "msg_s").put("output_index", 0)
                    .put("content_index", 0).put("delta", delta);
            e.putArray("logprobs");
            events.add(e);
        }
        ObjectNode done = JSON.createObjectNode().put("type", "response.output_text.done").put("item_id", "msg_s").put("output_index", 0)
                .put("content_index", 0).put("text", text);
        done.putArray("logprobs");
        events.add(done);
        ObjectNode finished = message("msg_s", text);
        events.add(JSON.createObjectNode().put("type", "response.content_part.done").put("item_id", "msg_s").put("output_index", 0)
                .put("content_index", 0).set("part", finished.get("content").get(0)));
        events.add(JSON.createObjectNode().put("type", "response.output_item.done").put("output_index", 0).set("item", finished));
        events.add(JSON.createObjectNode().put("type", "response.completed").set("response", response(id, "completed", output(finished), usage)));
        List<String> frames = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            ObjectNode e = events.get(i).put("sequence_number", i);
            assertThat(ResponsesSchema.eventViolations(e)).as("the mock's " + e.get("type").asString()).isEmpty();
            frames.add("event: " + e.get("type").asString() + "\ndata: " + e);
        }
        return frames;
    }
}
