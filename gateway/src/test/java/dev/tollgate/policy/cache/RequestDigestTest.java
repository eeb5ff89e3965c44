package dev.tollgate.policy.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.api.anthropic.AnthropicMessagesParser;
import dev.tollgate.api.openai.OpenAiChatParser;
import dev.tollgate.model.ChatRequest;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.json.JsonMapper;

/**
 * The cache key: every field that changes the answer changes it, in both dialects; the fields that do not
 * ({@code user}, {@code metadata}, {@code stream}, {@code stream_options}) and the spelling of the JSON (key order,
 * number format, whitespace) do not.
 */
class RequestDigestTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final OpenAiChatParser OPENAI = new OpenAiChatParser(JSON);
    private static final AnthropicMessagesParser ANTHROPIC = new AnthropicMessagesParser(JSON);

    private static final String OPENAI_BASE = """
            {"model":"gpt-4o-mini","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}],
             "temperature":0.7,"max_tokens":64}""";
    private static final String ANTHROPIC_BASE = """
            {"model":"claude-sonnet-4-5","max_tokens":64,"system":"Be brief.","messages":[{"role":"user","content":"Hi"}]}""";

    private static ChatRequest openAi(String body) {
        return OPENAI.parse(body.getBytes(StandardCharsets.UTF_8));
    }

    private static ChatRequest anthropic(String body) {
        return ANTHROPIC.parse(body.getBytes(StandardCharsets.UTF_8));
    }

    /** A field set on the base request; {@code "..."} marks where it goes. */
    private static String with(String base, String field) {
        return base.substring(0, base.lastIndexOf('}')) + "," + field + "}";
    }

    static Stream<Arguments> openAiFieldsThatChangeTheAnswer() {
        return Stream.of(
                Arguments.of("messages", OPENAI_BASE.replace("\"Hi\"", "\"Hello\"")),
                Arguments.of("system prompt", OPENAI_BASE.replace("Be brief.", "Be verbose.")),
                Arguments.of("an earlier turn", OPENAI_BASE.replace("{\"role\":\"user\",\"content\":\"Hi\"}",
                        "{\"role\":\"user\",\"content\":\"Yo\"},{\"role\":\"assistant\",\"content\":\"Hey\"},{\"role\":\"user\",\"content\":\"Hi\"}")),
                Arguments.of("temperature", OPENAI_BASE.replace("0.7", "0.2")),
                Arguments.of("max_tokens", OPENAI_BASE.replace("64", "65")),
                Arguments.of("top_p", with(OPENAI_BASE, "\"top_p\":0.9")),
                Arguments.of("seed", with(OPENAI_BASE, "\"seed\":42")),
                Arguments.of("n", with(OPENAI_BASE, "\"n\":1")),
                Arguments.of("stop", with(OPENAI_BASE, "\"stop\":[\"\\n\"]")),
                Arguments.of("tools", with(OPENAI_BASE, "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":{}}}]")),
                Arguments.of("tool_choice", with(OPENAI_BASE, "\"tool_choice\":\"none\"")),
                Arguments.of("response_format", with(OPENAI_BASE, "\"response_format\":{\"type\":\"json_object\"}")),
                Arguments.of("presence_penalty", with(OPENAI_BASE, "\"presence_penalty\":0.5")),
                Arguments.of("frequency_penalty", with(OPENAI_BASE, "\"frequency_penalty\":0.5")),
                Arguments.of("logit_bias", with(OPENAI_BASE, "\"logit_bias\":{\"50256\":-100}")),
                Arguments.of("logprobs", with(OPENAI_BASE, "\"logprobs\":true")),
                Arguments.of("reasoning_effort", with(OPENAI_BASE, "\"reasoning_effort\":\"high\"")),
                Arguments.of("a field Tollgate does not know", with(OPENAI_BASE, "\"future_knob\":3")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("openAiFieldsThatChangeTheAnswer")
    void openAi_everyFieldThatChangesTheAnswer_changesTheKey(String field, String changed) {
        ChatRequest base = openAi(OPENAI_BASE);
        assertThat(RequestDigest.exact(openAi(changed), "gpt-4o-mini")).as(field).isNotEqualTo(RequestDigest.exact(base, "gpt-4o-mini"));
    }

    static Stream<Arguments> anthropicFieldsThatChangeTheAnswer() {
        return Stream.of(
                Arguments.of("messages", ANTHROPIC_BASE.replace("\"Hi\"", "\"Hello\"")),
                Arguments.of("system", ANTHROPIC_BASE.replace("Be brief.", "Be verbose.")),
                Arguments.of("max_tokens", ANTHROPIC_BASE.replace("64", "65")),
                Arguments.of("temperature", with(ANTHROPIC_BASE, "\"temperature\":0.3")),
                Arguments.of("top_p", with(ANTHROPIC_BASE, "\"top_p\":0.9")),
                Arguments.of("top_k", with(ANTHROPIC_BASE, "\"top_k\":5")),
                Arguments.of("stop_sequences", with(ANTHROPIC_BASE, "\"stop_sequences\":[\"END\"]")),
                Arguments.of("tools", with(ANTHROPIC_BASE, "\"tools\":[{\"name\":\"get_weather\",\"input_schema\":{\"type\":\"object\"}}]")),
                Arguments.of("tool_choice", with(ANTHROPIC_BASE, "\"tool_choice\":{\"type\":\"auto\"}")),
                Arguments.of("thinking", with(ANTHROPIC_BASE, "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024}")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("anthropicFieldsThatChangeTheAnswer")
    void anthropic_everyFieldThatChangesTheAnswer_changesTheKey(String field, String changed) {
        ChatRequest base = anthropic(ANTHROPIC_BASE);
        assertThat(RequestDigest.exact(anthropic(changed), "claude-sonnet-4-5")).as(field)
                .isNotEqualTo(RequestDigest.exact(base, "claude-sonnet-4-5"));
    }

    @Test
    void theResolvedModel_isInTheKey_notTheNameTheClientSent() {
        ChatRequest base = openAi(OPENAI_BASE);
        assertThat(RequestDigest.exact(base, "gpt-4o")).isNotEqualTo(RequestDigest.exact(base, "gpt-4o-mini"));
        assertThat(RequestDigest.exact(openAi(OPENAI_BASE.replace("gpt-4o-mini", "auto")), "gpt-4o-mini"))
                .isEqualTo(RequestDigest.exact(base, "gpt-4o-mini"));
    }

    static Stream<Arguments> fieldsThatDoNotChangeTheAnswer() {
        return Stream.of(
                Arguments.of("user", with(OPENAI_BASE, "\"user\":\"alice\"")),
                Arguments.of("metadata", with(OPENAI_BASE, "\"metadata\":{\"ticket\":\"T-1\"}")),
                Arguments.of("stream", with(OPENAI_BASE, "\"stream\":true")),
                Arguments.of("stream_options", with(OPENAI_BASE, "\"stream\":true,\"stream_options\":{\"include_usage\":true}")),
                Arguments.of("a null field", with(OPENAI_BASE, "\"seed\":null")),
                Arguments.of("key order and whitespace", """
                        { "max_tokens" : 64, "temperature" : 0.70, "messages" : [ {"content":"Be brief.","role":"system"},
                          {"content":"Hi","role":"user"} ], "model":"gpt-4o-mini" }"""),
                Arguments.of("number spelling", OPENAI_BASE.replace("0.7", "7e-1")),
                Arguments.of("trailing zeros", OPENAI_BASE.replace("0.7", "0.7000")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fieldsThatDoNotChangeTheAnswer")
    void whatDoesNotChangeTheAnswer_keepsTheKey(String what, String same) {
        assertThat(RequestDigest.exact(openAi(same), "gpt-4o-mini")).as(what).isEqualTo(RequestDigest.exact(openAi(OPENAI_BASE), "gpt-4o-mini"));
    }

    @Test
    void anthropicMetadataAndStream_doNotChangeTheKey_butTheDialectDoes() {
        ChatRequest base = anthropic(ANTHROPIC_BASE);
        ChatRequest same = anthropic(with(ANTHROPIC_BASE, "\"metadata\":{\"user_id\":\"u-1\"},\"stream\":true"));
        assertThat(RequestDigest.exact(same, "m")).isEqualTo(RequestDigest.exact(base, "m"));
        ChatRequest openAiTwin = openAi("{\"max_tokens\":64,\"system\":\"Be brief.\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        assertThat(RequestDigest.exact(openAiTwin, "m")).isNotEqualTo(RequestDigest.exact(base, "m"));
    }

    @Test
    void theWorkflowKey_isPerTaskAndStep_andLeavesTheModelOut_theSemanticKeyLeavesTheConversationOut() {
        ChatRequest base = openAi(OPENAI_BASE);
        WorkflowStep step = new WorkflowStep("task-1", "3");
        assertThat(RequestDigest.workflow(base, step)).isEqualTo(RequestDigest.workflow(openAi(OPENAI_BASE.replace("gpt-4o-mini", "gpt-4o")), step))
                .isNotEqualTo(RequestDigest.workflow(base, new WorkflowStep("task-2", "3")))
                .isNotEqualTo(RequestDigest.workflow(base, new WorkflowStep("task-1", "4")))
                .isNotEqualTo(RequestDigest.workflow(openAi(OPENAI_BASE.replace("\"Hi\"", "\"Hello\"")), step))
                .isNotEqualTo(RequestDigest.exact(base, "gpt-4o-mini"));
        assertThat(RequestDigest.semanticKey(openAi(OPENAI_BASE.replace("\"Hi\"", "\"Hello\"")))).isEqualTo(RequestDigest.semanticKey(base))
                .isNotEqualTo(RequestDigest.semanticKey(openAi(OPENAI_BASE.replace("0.7", "0.2"))));
    }

    @Test
    void canonicalJson_sortsKeys_andSpellsNumbersByValue() {
        assertThat(CanonicalJson.of(JSON.readTree("{\"b\":[1.50,2e0,-0.0],\"a\":{\"y\":null,\"x\":\"\\u00e9\\n\"}}")))
                .isEqualTo("{\"a\":{\"x\":\"é\\n\",\"y\":null},\"b\":[1.5,2,0]}");
    }
}
