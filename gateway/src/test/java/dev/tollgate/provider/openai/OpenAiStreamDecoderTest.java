package dev.tollgate.provider.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tollgate.model.ChatRequest;
import dev.tollgate.model.Message;
import dev.tollgate.model.Role;
import dev.tollgate.model.Usage;
import dev.tollgate.provider.Chunk;
import dev.tollgate.provider.UpstreamException;
import dev.tollgate.usage.TokenCounter;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Payloads follow OpenAI's documented {@code chat.completion.chunk} examples (API reference, "The chat
 * completion chunk object", and the function-calling guide's streaming example).
 */
class OpenAiStreamDecoderTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final TokenCounter TOKENS = new TokenCounter();
    private static final String MODEL = "gpt-4o-mini";
    private static final List<Message> MESSAGES = List.of(
            Message.text(Role.SYSTEM, "You are a helpful assistant."),
            Message.text(Role.USER, "Hello!"));
    private static final ChatRequest REQUEST = new ChatRequest(Optional.of(MODEL), true, true, Optional.empty(),
            MESSAGES, List.of(), JSON.createObjectNode());

    private static final String HEAD = "\"id\":\"chatcmpl-123\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,"
            + "\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_44709d6fcb\",";
    private static final String ROLE = "{" + HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\","
            + "\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}";
    private static final String HELLO = content("Hello");
    private static final String REST = content("! How can I help you today?");
    private static final String STOP = "{" + HEAD + "\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,"
            + "\"finish_reason\":\"stop\"}],\"usage\":null}";
    private static final String USAGE = "{" + HEAD + "\"choices\":[],\"usage\":{\"prompt_tokens\":2006,\"completion_tokens\":300,"
            + "\"total_tokens\":2306,\"prompt_tokens_details\":{\"cached_tokens\":1920,\"audio_tokens\":0},"
            + "\"completion_tokens_details\":{\"reasoning_tokens\":64,\"audio_tokens\":0,\"accepted_prediction_tokens\":0,"
            + "\"rejected_prediction_tokens\":0}}}";

    private static String content(String text) {
        return "{" + HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"content\":" + JSON.writeValueAsString(text) + "},"
                + "\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}";
    }

    private static String toolArguments(String fragment) {
        return "{" + HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":"
                + JSON.writeValueAsString(fragment) + "}}]},\"logprobs\":null,\"finish_reason\":null}]}";
    }

    private static String sse(String... events) {
        StringBuilder out = new StringBuilder();
        for (String event : events) {
            out.append("data: ").append(event).append("\n\n");
        }
        return out.toString();
    }

    /** Counts how often the decoder asked to abort the upstream call. */
    static final class RecordingAbort implements Runnable {
        int calls;

        @Override
        public void run() {
            calls++;
        }
    }

    private final RecordingAbort abort = new RecordingAbort();

    private OpenAiStreamDecoder decoder(String stream) {
        var in = new ByteArrayInputStream(stream.getBytes(StandardCharsets.UTF_8));
        return new OpenAiStreamDecoder(new OpenAiStreamDecoder.Source(in, abort, REQUEST, MODEL), JSON, TOKENS);
    }

    private static List<Chunk> drain(OpenAiStreamDecoder decoder) {
        List<Chunk> out = new ArrayList<>();
        for (Chunk c = decoder.next(); c != null; c = decoder.next()) {
            out.add(c);
        }
        return out;
    }

    private static String text(Chunk chunk) {
        return new String(chunk.json(), StandardCharsets.UTF_8);
    }

    @Test
    void normalStream_passesEachEventVerbatim_andReportsTheUpstreamsUsageExactly() {
        OpenAiStreamDecoder decoder = decoder(sse(ROLE, HELLO, REST, STOP, USAGE, "[DONE]"));

        List<Chunk> chunks = drain(decoder);

        assertThat(chunks).extracting(OpenAiStreamDecoderTest::text).containsExactly(ROLE, HELLO, REST, STOP, USAGE);
        assertThat(decoder.usage()).isEqualTo(new Usage(2006, 300, 1920, 64, false));
        assertThat(decoder.next()).as("after [DONE]").isNull();
    }

    @Test
    void onlyTheFinalChoicelessChunk_isUsageOnly() {
        List<Chunk> chunks = drain(decoder(sse(ROLE, HELLO, STOP, USAGE, "[DONE]")));

        assertThat(chunks).extracting(Chunk::usageOnly).containsExactly(false, false, false, true);
    }

    @Test
    void hasContent_isFalseForRoleAndFinishChunks_andTrueForText() {
        List<Chunk> chunks = drain(decoder(sse(ROLE, HELLO, REST, STOP, USAGE, "[DONE]")));

        assertThat(chunks).extracting(Chunk::hasContent).containsExactly(false, true, true, false, false);
    }

    @Test
    void refusalDelta_hasContent() {
        String refusal = "{" + HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"refusal\":\"I can't help with that.\"},"
                + "\"logprobs\":null,\"finish_reason\":null}]}";

        List<Chunk> chunks = drain(decoder(sse(ROLE, refusal, STOP, "[DONE]")));

        assertThat(chunks).extracting(Chunk::hasContent).containsExactly(false, true, false);
    }

    @Test
    void toolCallSplitAcrossChunks_isContent_andEstimatedFromNameAndArguments() {
        String first = "{" + HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null,"
                + "\"tool_calls\":[{\"index\":0,\"id\":\"call_DdmO9pD3xa9XTPNJ32zg2hcA\",\"type\":\"function\","
                + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}],\"refusal\":null},"
                + "\"logprobs\":null,\"finish_reason\":null}]}";
        String[] fragments = {"{\"", "location", "\":\"", "Paris", ",", " France", "\"}"};
        String last = "{" + HEAD + "\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"tool_calls\"}]}";
        List<String> events = new ArrayList<>(List.of(first));
        for (String fragment : fragments) {
            events.add(toolArguments(fragment));
        }
        events.add(last);
        events.add("[DONE]");
        OpenAiStreamDecoder decoder = decoder(sse(events.toArray(String[]::new)));

        List<Chunk> chunks = drain(decoder);

        assertThat(chunks).hasSize(9);
        assertThat(chunks.subList(0, 8)).allMatch(Chunk::hasContent);
        assertThat(chunks.getLast().hasContent()).isFalse();
        StringBuilder arguments = new StringBuilder();
        for (Chunk chunk : chunks) {
            for (JsonNode call : JSON.readTree(chunk.json()).path("choices").path(0).path("delta").path("tool_calls")) {
                arguments.append(call.path("function").path("arguments").asString());
            }
        }
        assertThat(arguments).hasToString("{\"location\":\"Paris, France\"}");
        assertThat(decoder.usage()).isEqualTo(Usage.estimated(TOKENS.countPrompt(MODEL, MESSAGES),
                TOKENS.count(MODEL, "get_weather{\"location\":\"Paris, France\"}")));
    }

    @Test
    void multiLineData_isJoinedWithNewlines() {
        String stream = "data: {" + HEAD + "\n"
                + "data: \"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"logprobs\":null,\"finish_reason\":\"stop\"}]}\n"
                + "\n"
                + "data: [DONE]\n\n";

        List<Chunk> chunks = drain(decoder(stream));

        assertThat(chunks).hasSize(1);
        assertThat(text(chunks.getFirst())).isEqualTo("{" + HEAD + "\n\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},"
                + "\"logprobs\":null,\"finish_reason\":\"stop\"}]}");
        assertThat(chunks.getFirst().hasContent()).isTrue();
    }

    @Test
    void commentsAndEventIdRetryLines_areIgnored_andDataWithoutSpaceIsRead() {
        String stream = ": OPENROUTER PROCESSING\n\n"
                + "event: message\nid: 1\nretry: 3000\ndata: " + HELLO + "\n\n"
                + ":keep-alive\n\n"
                + "data:" + STOP + "\r\n\r\n"
                + "data: [DONE]\n\n";

        List<Chunk> chunks = drain(decoder(stream));

        assertThat(chunks).extracting(OpenAiStreamDecoderTest::text).containsExactly(HELLO, STOP);
    }

    @Test
    void streamWithoutUsage_isEstimatedFromTheDeliveredText() {
        OpenAiStreamDecoder decoder = decoder(sse(ROLE, HELLO, REST, STOP, "[DONE]"));

        drain(decoder);

        Usage usage = decoder.usage();
        assertThat(usage.estimated()).isTrue();
        assertThat(usage.outputTokens()).isPositive()
                .isEqualTo(TOKENS.count(MODEL, "Hello! How can I help you today?"));
        assertThat(usage.inputTokens()).isEqualTo(TOKENS.countPrompt(MODEL, MESSAGES));
    }

    @Test
    void eofBeforeDoneAndBeforeAnyFinishReason_isBroken_andUsageIsStillEstimated() {
        OpenAiStreamDecoder decoder = decoder(sse(ROLE, HELLO));

        assertThat(decoder.next()).isNotNull();
        assertThat(decoder.next()).isNotNull();
        UpstreamException e = catchThrowableOfType(UpstreamException.class, decoder::next);

        assertThat(e).isNotNull();
        assertThat(e.kind()).isEqualTo(UpstreamException.Kind.BROKEN);
        assertThat(e.retryable()).isTrue();
        assertThat(decoder.usage()).isEqualTo(Usage.estimated(TOKENS.countPrompt(MODEL, MESSAGES), TOKENS.count(MODEL, "Hello")));
        assertThat(decoder.next()).as("the stream stays ended").isNull();
    }

    @Test
    void eofInTheMiddleOfAnEvent_beforeAnyFinishReason_isBroken() {
        String cut = "data: " + ROLE + "\n\ndata: {\"id\":\"chatcmpl-123\",\"object\":\"chat.comp";
        OpenAiStreamDecoder decoder = decoder(cut);

        decoder.next();
        UpstreamException e = catchThrowableOfType(UpstreamException.class, decoder::next);

        assertThat(e).isNotNull();
        assertThat(e.kind()).isEqualTo(UpstreamException.Kind.BROKEN);
    }

    @Test
    void eofAfterAFinishReasonWithoutDone_isACleanEnd() {
        OpenAiStreamDecoder decoder = decoder(sse(ROLE, HELLO, STOP));

        assertThat(drain(decoder)).hasSize(3);
        assertThat(decoder.next()).isNull();
    }

    @Test
    void errorEvent_isBroken_withTheUpstreamsMessage() {
        String error = "{\"error\":{\"message\":\"The server had an error while processing your request. Sorry about that!\","
                + "\"type\":\"server_error\",\"param\":null,\"code\":null}}";
        OpenAiStreamDecoder decoder = decoder(sse(ROLE, HELLO, error));
        decoder.next();
        decoder.next();

        UpstreamException e = catchThrowableOfType(UpstreamException.class, decoder::next);

        assertThat(e).isNotNull();
        assertThat(e.kind()).isEqualTo(UpstreamException.Kind.BROKEN);
        assertThat(e.getMessage()).contains("The server had an error while processing your request.");
    }

    @Test
    void malformedJsonEvent_isAProtocolError() {
        OpenAiStreamDecoder decoder = decoder(sse(ROLE, "{\"id\":\"chatcmpl-123\",\"choices\":[{\"delta\":"));
        decoder.next();

        UpstreamException e = catchThrowableOfType(UpstreamException.class, decoder::next);

        assertThat(e).isNotNull();
        assertThat(e.kind()).isEqualTo(UpstreamException.Kind.PROTOCOL);
    }

    @Test
    void eventThatIsNotAJsonObject_isAProtocolError() {
        UpstreamException e = catchThrowableOfType(UpstreamException.class, () -> decoder(sse("[1,2,3]")).next());

        assertThat(e).isNotNull();
        assertThat(e.kind()).isEqualTo(UpstreamException.Kind.PROTOCOL);
    }

    @Test
    void closingAnUnfinishedStream_abortsTheUpstreamCall() {
        OpenAiStreamDecoder decoder = decoder(sse(ROLE, HELLO, STOP, "[DONE]"));
        decoder.next();

        decoder.close();

        assertThat(abort.calls).isEqualTo(1);
    }

    @Test
    void closingAFinishedStream_doesNotAbort() {
        OpenAiStreamDecoder decoder = decoder(sse(ROLE, STOP, "[DONE]"));
        drain(decoder);

        decoder.close();

        assertThat(abort.calls).isZero();
    }

    @Test
    void nextIsReady_onlyWhileAWholeEventIsAlreadyBuffered() {
        OpenAiStreamDecoder decoder = decoder("data: " + ROLE + "\n\ndata: [DONE]\n\n");

        assertThat(decoder.nextIsReady()).as("nothing read yet, but the first event has arrived").isTrue();
        decoder.next();
        assertThat(decoder.nextIsReady()).as("[DONE] arrived in the same read as the first event").isTrue();
        assertThat(decoder.next()).isNull();
        assertThat(decoder.nextIsReady()).as("the stream has ended").isFalse();
    }
}
