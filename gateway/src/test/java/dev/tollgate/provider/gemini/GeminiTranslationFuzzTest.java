package dev.tollgate.provider.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.api.openai.OpenAiChatParser;
import dev.tollgate.model.ChatRequest;
import dev.tollgate.model.Message;
import dev.tollgate.model.Role;
import dev.tollgate.model.Usage;
import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.provider.Chunk;
import dev.tollgate.provider.UpstreamException;
import dev.tollgate.provider.gemini.wire.GenerateContentResponse;
import dev.tollgate.usage.TokenCounter;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

/**
 * Seeded random mutations of valid Gemini answers, streams and OpenAI requests: the translators either
 * succeed or fail with the exceptions their contracts name (an {@link UpstreamException} upstream-side,
 * a 400 {@link GatewayException} from the parser), never anything else, and usage is never negative
 * (a mutation can make a count negative: it must read as none, not fail the call).
 */
class GeminiTranslationFuzzTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final TokenCounter TOKENS = new TokenCounter();
    private static final ChatRequest REQUEST = new ChatRequest(Optional.of("gemini-2.5-flash"), true, true, Optional.empty(),
            List.of(Message.text(Role.USER, "hi")), List.of(), JSON.createObjectNode());
    private static final int ROUNDS = 2_000;

    private static final String ANSWER = """
            {"candidates":[{"content":{"role":"model","parts":[{"text":"Hi","thought":false},
              {"functionCall":{"name":"f","args":{"a":[1,{"b":null}]}},"thoughtSignature":"c2ln"}]},
              "finishReason":"STOP","index":0}],
             "promptFeedback":{"blockReason":null},
             "usageMetadata":{"promptTokenCount":9,"candidatesTokenCount":3,"cachedContentTokenCount":2,"thoughtsTokenCount":4,
              "totalTokenCount":16},"modelVersion":"gemini-2.5-flash","responseId":"abc"}""";
    private static final String REQUEST_BODY = """
            {"model":"gemini-2.5-flash","messages":[{"role":"system","content":"s"},{"role":"user","content":[{"type":"text","text":"q"},
              {"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}}]},
              {"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{\\"x\\":1}"}}]},
              {"role":"tool","tool_call_id":"c1","content":"ok"}],
             "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"x":{"$ref":"#/$defs/X"}},
              "$defs":{"X":{"type":["integer","null"]}}}}}],"tool_choice":{"type":"function","function":{"name":"f"}},
             "response_format":{"type":"json_schema","json_schema":{"schema":{"type":"object","properties":{"a":{"const":1}}}}},
             "stop":["x"],"n":1,"seed":3,"temperature":1}""";

    private static String mutate(String text, Random random) {
        StringBuilder s = new StringBuilder(text);
        int edits = 1 + random.nextInt(4);
        String alphabet = "{}[]\":,0-1.e nulltruefalse\\";
        for (int i = 0; i < edits && !s.isEmpty(); i++) {
            int at = random.nextInt(s.length());
            switch (random.nextInt(3)) {
                case 0 -> s.deleteCharAt(at);
                case 1 -> s.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                default -> s.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
            }
        }
        return s.toString();
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void mutatedAnswers_translateOrFailAsProtocolOrStatusErrors(long seed) {
        Random random = new Random(seed);
        GeminiResponseMapper mapper = new GeminiResponseMapper(JSON);
        for (int i = 0; i < ROUNDS; i++) {
            String body = mutate(ANSWER, random);
            try {
                GenerateContentResponse response = mapper.read(body.getBytes(StandardCharsets.UTF_8));
                GeminiResponseMapper.checkNotBlocked(response, "gemini");
                Usage usage = GeminiResponseMapper.usageOf(response.usageMetadata());
                mapper.completion(response, "m", 0, usage == null ? Usage.NONE : usage);
            } catch (UpstreamException expected) {
                assertThat(expected.kind()).as(body).isIn(UpstreamException.Kind.PROTOCOL, UpstreamException.Kind.STATUS);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {4, 5, 6})
    void mutatedStreams_decodeOrFailAsUpstreamErrors(long seed) {
        Random random = new Random(seed);
        String wire = "data: " + ANSWER.replace("\n", "") + "\r\n\r\n";
        for (int i = 0; i < ROUNDS; i++) {
            String mutated = mutate(wire + wire, random);
            var source = new GeminiStreamDecoder.Source(new ByteArrayInputStream(mutated.getBytes(StandardCharsets.UTF_8)), () -> { },
                    REQUEST, "gemini-2.5-flash", "gemini", 0);
            GeminiStreamDecoder decoder = new GeminiStreamDecoder(source, JSON, new GeminiResponseMapper(JSON), TOKENS);
            try {
                for (Chunk c = decoder.next(); c != null; c = decoder.next()) {
                    assertThat(JSON.readTree(c.json()).isObject()).isTrue();
                }
            } catch (UpstreamException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
            Usage usage = decoder.usage();
            assertThat(usage.inputTokens()).isNotNegative();
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {7, 8, 9})
    void mutatedRequests_translateOrAreRefusedAs400(long seed) {
        Random random = new Random(seed);
        OpenAiChatParser parser = new OpenAiChatParser(JSON);
        GeminiRequestMapper mapper = new GeminiRequestMapper(JSON);
        for (int i = 0; i < ROUNDS; i++) {
            String body = mutate(REQUEST_BODY, random);
            ChatRequest request;
            try {
                request = parser.parse(body.getBytes(StandardCharsets.UTF_8));
            } catch (GatewayException refused) {
                continue;
            }
            try {
                assertThat(JSON.readTree(mapper.body(request)).isObject()).isTrue();
            } catch (UpstreamException refused) {
                assertThat(refused.status()).as(body).isEqualTo(400);
                assertThat(refused.retryable()).isFalse();
            }
        }
    }
}
