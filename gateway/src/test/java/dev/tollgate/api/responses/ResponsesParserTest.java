package dev.tollgate.api.responses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tollgate.model.ChatRequest;
import dev.tollgate.model.Principal;
import dev.tollgate.model.Role;
import dev.tollgate.model.Scope;
import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.store.ResponseStore;
import dev.tollgate.store.StoredResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ResponsesParserTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Principal ACME = new Principal("acme", "k1", Set.of(Scope.INFER), Set.of(), Optional.empty(), Optional.empty());
    private static final Principal GLOBEX = new Principal("globex", "k2", Set.of(Scope.INFER), Set.of(), Optional.empty(), Optional.empty());

    /** Kept responses by org and id. */
    private static final class FakeResponseStore implements ResponseStore {
        final Map<String, StoredResponse> kept = new HashMap<>();

        @Override
        public void put(StoredResponse r) {
            kept.put(r.orgId() + "/" + r.id(), r);
        }

        @Override
        public Optional<StoredResponse> find(String orgId, String id) {
            return Optional.ofNullable(kept.get(orgId + "/" + id));
        }

        @Override
        public boolean delete(String orgId, String id) {
            return kept.remove(orgId + "/" + id) != null;
        }

        @Override
        public long pruneBefore(Instant cutoff) {
            return 0;
        }
    }

    private final FakeResponseStore store = new FakeResponseStore();
    private final ResponsesParser parser = new ResponsesParser(JSON, store);

    private ChatRequest parse(String body) {
        return parser.parse(body.getBytes(StandardCharsets.UTF_8), ACME);
    }

    @Test
    void everyField_isTranslatedToAChatCompletion() {
        ChatRequest r = parse("""
                {"model":"gpt-4o-mini","instructions":"Be terse.","stream":true,"max_output_tokens":300,"temperature":0.3,"top_p":0.9,
                 "user":"u-1","parallel_tool_calls":false,"metadata":{"team":"geo"},"store":false,"reasoning":{"effort":"low"},
                 "text":{"format":{"type":"json_schema","name":"city","schema":{"type":"object"},"strict":true}},
                 "tools":[{"type":"function","name":"get_weather","description":"Weather","parameters":{"type":"object"},"strict":true}],
                 "tool_choice":{"type":"function","name":"get_weather"},
                 "input":[
                   {"role":"user","content":[{"type":"input_text","text":"Weather in "},{"type":"input_text","text":"Paris?"},
                                              {"type":"input_image","image_url":"https://x.test/a.png","detail":"low"}]},
                   {"type":"message","role":"assistant","content":[{"type":"output_text","text":"Checking."}]},
                   {"type":"function_call","call_id":"call_1","name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"},
                   {"type":"reasoning","id":"rs_1","summary":[]},
                   {"type":"function_call_output","call_id":"call_1","output":"18C"}
                 ]}
                """);
        JsonNode body = r.body();
        assertThat(r.model()).contains("gpt-4o-mini");
        assertThat(r.stream()).isTrue();
        assertThat(r.clientWantsUsage()).as("usage chunks are the dialect's to read, not to relay").isFalse();
        assertThat(r.maxTokens()).contains(300);
        assertThat(body.get("max_completion_tokens").asInt()).isEqualTo(300);
        assertThat(body.at("/stream_options/include_usage").asBoolean()).isTrue();
        assertThat(body.get("temperature").asDouble()).isEqualTo(0.3);
        assertThat(body.get("top_p").asDouble()).isEqualTo(0.9);
        assertThat(body.get("user").asString()).isEqualTo("u-1");
        assertThat(body.get("parallel_tool_calls").asBoolean()).isFalse();
        assertThat(body.get("reasoning_effort").asString()).isEqualTo("low");
        assertThat(body.at("/response_format/type").asString()).isEqualTo("json_schema");
        assertThat(body.at("/response_format/json_schema/name").asString()).isEqualTo("city");
        assertThat(body.at("/response_format/json_schema/strict").asBoolean()).isTrue();
        assertThat(body.at("/tools/0/function/name").asString()).isEqualTo("get_weather");
        assertThat(body.at("/tools/0/function/parameters/type").asString()).isEqualTo("object");
        assertThat(body.at("/tool_choice/function/name").asString()).isEqualTo("get_weather");
        assertThat(body.has("metadata") || body.has("store")).as("kept by the gateway, not sent upstream").isFalse();
        assertThat(r.messages()).extracting(m -> m.role()).containsExactly(Role.SYSTEM, Role.USER, Role.ASSISTANT, Role.TOOL);
        assertThat(r.messages().get(1).text()).isEqualTo("Weather in Paris?");
        assertThat(body.at("/messages/1/content/2/image_url/url").asString()).isEqualTo("https://x.test/a.png");
        assertThat(r.messages().get(2).text()).isEqualTo("Checking.");
        assertThat(r.messages().get(2).toolCalls()).singleElement().satisfies(c -> {
            assertThat(c.id()).isEqualTo("call_1");
            assertThat(c.arguments()).isEqualTo("{\"city\":\"Paris\"}");
        });
        assertThat(r.messages().get(3).toolCallId()).isEqualTo("call_1");
        assertThat(r.messages().get(3).text()).isEqualTo("18C");
        assertThat(r.tools()).singleElement().satisfies(t -> assertThat(t.name()).isEqualTo("get_weather"));
    }

    @Test
    void aStringInput_isOneUserMessage_andNoModelIsAutopilot() {
        ChatRequest r = parse("{\"input\":\"Hello\"}");
        assertThat(r.model()).isEmpty();
        assertThat(r.stream()).isFalse();
        assertThat(r.messages()).singleElement().satisfies(m -> {
            assertThat(m.role()).isEqualTo(Role.USER);
            assertThat(m.text()).isEqualTo("Hello");
        });
        assertThat(r.body().has("stream_options")).isFalse();
    }

    @Test
    void previousResponseId_putsTheKeptConversationAfterTheNewInstructions_withinTheCallersOrg() {
        store.put(new StoredResponse("resp_1", "acme", Instant.EPOCH, "{}",
                "[{\"role\":\"user\",\"content\":\"My name is Ada.\"},{\"role\":\"assistant\",\"content\":\"Hello Ada.\"}]"));

        ChatRequest r = parse("{\"instructions\":\"Be kind.\",\"previous_response_id\":\"resp_1\",\"input\":\"My name?\"}");

        assertThat(r.messages()).extracting(m -> m.role() + ":" + m.text())
                .containsExactly("SYSTEM:Be kind.", "USER:My name is Ada.", "ASSISTANT:Hello Ada.", "USER:My name?");
        GatewayException other = catchThrowableOfType(GatewayException.class, () -> parser.parse(
                "{\"previous_response_id\":\"resp_1\",\"input\":\"x\"}".getBytes(StandardCharsets.UTF_8), GLOBEX));
        assertThat(other.status()).isEqualTo(400);
        assertThat(other.param()).isEqualTo("previous_response_id");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{}|input",
            "{\"input\":5}|input",
            "{\"input\":[]}|input",
            "{\"input\":[\"hi\"]}|input[0]",
            "{\"input\":[{\"role\":\"robot\",\"content\":\"hi\"}]}|input[0].role",
            "{\"input\":[{\"role\":\"user\"}]}|input[0].content",
            "{\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_audio\"}]}]}|input[0].content[0].type",
            "{\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_image\",\"file_id\":\"f\"}]}]}|input[0].content[0].image_url",
            "{\"input\":[{\"type\":\"function_call\",\"name\":\"f\",\"arguments\":\"{}\"}]}|input[0].call_id",
            "{\"input\":[{\"type\":\"function_call_output\",\"call_id\":\"c\"}]}|input[0].output",
            "{\"input\":[{\"type\":\"item_reference\",\"id\":\"x\"}]}|input[0].type",
            "{\"input\":\"x\",\"max_output_tokens\":0}|max_output_tokens",
            "{\"input\":\"x\",\"temperature\":3}|temperature",
            "{\"input\":\"x\",\"top_p\":\"high\"}|top_p",
            "{\"input\":\"x\",\"stream\":\"yes\"}|stream",
            "{\"input\":\"x\",\"store\":1}|store",
            "{\"input\":\"x\",\"instructions\":[]}|instructions",
            "{\"input\":\"x\",\"tools\":[{\"type\":\"Web Search!\"}]}|tools[0].type",
            "{\"input\":\"x\",\"tool_choice\":{\"type\":\"\"}}|tool_choice.type",
            "{\"input\":\"x\",\"tools\":[{\"type\":\"function\"}]}|tools[0].name",
            "{\"input\":\"x\",\"tools\":[{\"type\":\"function\",\"name\":\"f\",\"parameters\":\"{}\"}]}|tools[0].parameters",
            "{\"input\":\"x\",\"tool_choice\":\"sometimes\"}|tool_choice",
            "{\"input\":\"x\",\"tool_choice\":{\"type\":\"function\"}}|tool_choice.name",
            "{\"input\":\"x\",\"text\":{\"format\":{\"type\":\"yaml\"}}}|text.format.type",
            "{\"input\":\"x\",\"text\":{\"format\":{\"type\":\"json_schema\",\"name\":\"n\"}}}|text.format.schema",
            "{\"input\":\"x\",\"reasoning\":{\"effort\":\"max\"}}|reasoning.effort",
            "{\"input\":\"x\",\"metadata\":{\"a\":1}}|metadata.a",
            "{\"input\":\"x\",\"previous_response_id\":\"resp_none\"}|previous_response_id",
            "{\"input\":\"x\",\"model\":7}|model",
    })
    void badInput_isA400NamingTheField(String body, String param) {
        GatewayException e = catchThrowableOfType(GatewayException.class, () -> parse(body));
        assertThat(e).as(body).isNotNull();
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.param()).isEqualTo(param);
        assertThat(e.getMessage()).startsWith(param);
    }

    @Test
    void malformedJson_isA400() {
        GatewayException e = catchThrowableOfType(GatewayException.class, () -> parse("{\"input\":"));
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).contains("not valid JSON");
    }

    @Test
    void builtInTools_areLeftOutOfTheTranslation_andMakeTheCallPassthroughOnly() {
        ChatRequest request = parse("{\"model\":\"gpt-4o\",\"input\":\"News?\",\"tools\":[{\"type\":\"function\",\"name\":\"f\"},"
                + "{\"type\":\"web_search\"}],\"tool_choice\":{\"type\":\"web_search\"}}");

        assertThat(request.passthroughOnly()).contains("tools[1].type");
        assertThat(request.body().get("tools")).hasSize(1);
        assertThat(request.body().at("/tools/0/function/name").asString()).isEqualTo("f");
        assertThat(request.body().has("tool_choice")).isFalse();
        assertThat(request.responsesBody().orElseThrow().at("/tools/1/type").asString()).isEqualTo("web_search");
        assertThat(parse("{\"input\":\"x\",\"tools\":[{\"type\":\"function\",\"name\":\"f\"}]}").passthroughOnly()).isEmpty();
        assertThat(parse("{\"input\":\"x\",\"tool_choice\":{\"type\":\"file_search\"}}").passthroughOnly()).contains("tool_choice.type");
    }
}
