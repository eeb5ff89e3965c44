package dev.tollgate.provider.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tollgate.api.openai.OpenAiChatParser;
import dev.tollgate.model.ChatRequest;
import dev.tollgate.provider.UpstreamException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Requests are parsed by the real OpenAI parser, as the gateway does, and the translation is compared
 * with the request shapes of Gemini's API reference (generateContent, function calling guide).
 */
class GeminiRequestMapperTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final OpenAiChatParser PARSER = new OpenAiChatParser(JSON);
    private final GeminiRequestMapper mapper = new GeminiRequestMapper(JSON);

    private JsonNode map(String openAiBody) {
        ChatRequest request = PARSER.parse(openAiBody.getBytes(StandardCharsets.UTF_8));
        return JSON.readTree(mapper.body(request));
    }

    private UpstreamException rejected(String openAiBody) {
        ChatRequest request = PARSER.parse(openAiBody.getBytes(StandardCharsets.UTF_8));
        return catchThrowableOfType(UpstreamException.class, () -> mapper.body(request));
    }

    @Test
    void systemMessages_becomeSystemInstruction_andRolesBecomeUserAndModel() {
        JsonNode body = map("""
                {"model":"gemini-2.5-flash","messages":[
                  {"role":"system","content":"You are a cat."},
                  {"role":"developer","content":"Answer briefly."},
                  {"role":"user","content":"Hello there"},
                  {"role":"assistant","content":"Meow."},
                  {"role":"user","content":[{"type":"text","text":"What is your name?"}]}]}""");

        assertThat(body.get("systemInstruction")).isEqualTo(JSON.readTree("""
                {"parts":[{"text":"You are a cat."},{"text":"Answer briefly."}]}"""));
        assertThat(body.get("contents")).isEqualTo(JSON.readTree("""
                [{"role":"user","parts":[{"text":"Hello there"}]},
                 {"role":"model","parts":[{"text":"Meow."}]},
                 {"role":"user","parts":[{"text":"What is your name?"}]}]"""));
        assertThat(body.has("tools")).isFalse();
        assertThat(body.has("generationConfig")).isFalse();
        assertThat(body.has("model")).as("the model travels in the URL").isFalse();
    }

    @Test
    void images_becomeInlineDataOrFileData_withTheirMediaType() {
        JsonNode body = map("""
                {"model":"gemini-2.5-flash","messages":[{"role":"user","content":[
                  {"type":"text","text":"Compare these"},
                  {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}},
                  {"type":"image_url","image_url":{"url":"https://example.com/cats/Tabby.JPG?size=large","detail":"high"}},
                  {"type":"image_url","image_url":{"url":"https://example.com/photo"}}]}]}""");

        assertThat(body.at("/contents/0/parts")).isEqualTo(JSON.readTree("""
                [{"text":"Compare these"},
                 {"inlineData":{"mimeType":"image/png","data":"iVBORw0KGgo="}},
                 {"fileData":{"mimeType":"image/jpeg","fileUri":"https://example.com/cats/Tabby.JPG?size=large"}},
                 {"fileData":{"mimeType":"image/jpeg","fileUri":"https://example.com/photo"}}]"""));
    }

    @Test
    void mediaType_isGuessedFromTheExtension() {
        assertThat(GeminiRequestMapper.mimeOf("https://x.test/a/b.webp")).isEqualTo("image/webp");
        assertThat(GeminiRequestMapper.mimeOf("https://x.test/a/b.png#frag")).isEqualTo("image/png");
        assertThat(GeminiRequestMapper.mimeOf("https://x.test/doc.pdf")).isEqualTo("application/pdf");
        assertThat(GeminiRequestMapper.mimeOf("https://x.test/a.b/c")).isEqualTo("image/jpeg");
    }

    @Test
    void toolsCallsAndResults_becomeFunctionDeclarationsCallsAndResponses() {
        JsonNode body = map("""
                {"model":"gemini-2.5-flash","messages":[
                  {"role":"user","content":"Weather in Boston and Paris?"},
                  {"role":"assistant","content":null,"tool_calls":[
                    {"id":"call_0","type":"function","function":{"name":"get_current_weather","arguments":"{\\"location\\":\\"Boston, MA\\"}"}},
                    {"id":"call_1","type":"function","function":{"name":"get_current_weather","arguments":"{\\"location\\":\\"Paris\\"}"}}]},
                  {"role":"tool","tool_call_id":"call_0","content":"{\\"temperature\\":22,\\"unit\\":\\"celsius\\"}"},
                  {"role":"tool","tool_call_id":"call_1","content":"sunny"}],
                 "tools":[{"type":"function","function":{"name":"get_current_weather","description":"Get the weather",
                   "parameters":{"type":"object","$schema":"http://json-schema.org/draft-07/schema#","additionalProperties":false,
                     "properties":{"location":{"type":"string","description":"The city"},
                                   "unit":{"type":"string","enum":["celsius","fahrenheit"]}},
                     "required":["location"]}}}],
                 "tool_choice":"required"}""");

        assertThat(body.get("contents")).isEqualTo(JSON.readTree("""
                [{"role":"user","parts":[{"text":"Weather in Boston and Paris?"}]},
                 {"role":"model","parts":[
                   {"functionCall":{"name":"get_current_weather","args":{"location":"Boston, MA"}},
                    "thoughtSignature":"skip_thought_signature_validator"},
                   {"functionCall":{"name":"get_current_weather","args":{"location":"Paris"}}}]},
                 {"role":"user","parts":[
                   {"functionResponse":{"name":"get_current_weather","response":{"temperature":22,"unit":"celsius"}}},
                   {"functionResponse":{"name":"get_current_weather","response":{"result":"sunny"}}}]}]"""));
        assertThat(body.get("tools")).isEqualTo(JSON.readTree("""
                [{"functionDeclarations":[{"name":"get_current_weather","description":"Get the weather",
                  "parameters":{"type":"object","properties":{"location":{"type":"string","description":"The city"},
                    "unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["location"]}}]}]"""));
        assertThat(body.get("toolConfig")).isEqualTo(JSON.readTree("""
                {"functionCallingConfig":{"mode":"ANY"}}"""));
    }

    @Test
    void thoughtSignatureTheGatewayReturned_isSentBack() {
        JsonNode body = map("""
                {"model":"gemini-3-pro-preview","messages":[
                  {"role":"user","content":"Weather?"},
                  {"role":"assistant","tool_calls":[{"id":"call_0","type":"function",
                    "function":{"name":"weather","arguments":"{}"},
                    "extra_content":{"google":{"thought_signature":"CiQBcsjafE1kSig="}}}]},
                  {"role":"tool","tool_call_id":"call_0","content":"[1,2]"}]}""");

        assertThat(body.at("/contents/1/parts/0")).isEqualTo(JSON.readTree("""
                {"functionCall":{"name":"weather","args":{}},"thoughtSignature":"CiQBcsjafE1kSig="}"""));
        assertThat(body.at("/contents/2/parts/0/functionResponse/response")).isEqualTo(JSON.readTree("{\"result\":[1,2]}"));
    }

    @Test
    void toolChoice_mapsToFunctionCallingModes() {
        String base = "{\"model\":\"gemini-2.5-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}],\"tool_choice\":";
        assertThat(map(base + "\"none\"}").at("/toolConfig/functionCallingConfig/mode").asString()).isEqualTo("NONE");
        assertThat(map(base + "\"auto\"}").at("/toolConfig/functionCallingConfig/mode").asString()).isEqualTo("AUTO");
        assertThat(map(base + "{\"type\":\"function\",\"function\":{\"name\":\"f\"}}}").get("toolConfig"))
                .isEqualTo(JSON.readTree("{\"functionCallingConfig\":{\"mode\":\"ANY\",\"allowedFunctionNames\":[\"f\"]}}"));
        assertThat(map(base + "null}").has("toolConfig")).isFalse();
        assertThat(rejected(base + "\"sometimes\"}").status()).isEqualTo(400);
    }

    @Test
    void functionWithoutParameters_isDeclaredWithoutAParametersSchema() {
        JsonNode body = map("""
                {"model":"gemini-2.5-flash","messages":[{"role":"user","content":"now?"}],
                 "tools":[{"type":"function","function":{"name":"current_time","parameters":{"type":"object","properties":{}}}}]}""");

        assertThat(body.at("/tools/0/functionDeclarations/0")).isEqualTo(JSON.readTree("{\"name\":\"current_time\"}"));
    }

    @Test
    void samplingParameters_becomeGenerationConfig() {
        JsonNode body = map("""
                {"model":"gemini-2.5-flash","messages":[{"role":"user","content":"hi"}],
                 "temperature":0.2,"top_p":0.9,"max_completion_tokens":256,"max_tokens":999,"stop":["END","STOP"],"n":2,
                 "seed":42,"presence_penalty":0.5,"frequency_penalty":-0.5,
                 "response_format":{"type":"json_schema","json_schema":{"name":"answer","strict":true,"schema":{
                   "type":"object","additionalProperties":false,"properties":{"answer":{"type":["string","null"]}},
                   "required":["answer"]}}}}""");

        assertThat(body.get("generationConfig")).isEqualTo(JSON.readTree("""
                {"temperature":0.2,"topP":0.9,"maxOutputTokens":256,"stopSequences":["END","STOP"],"candidateCount":2,
                 "responseMimeType":"application/json",
                 "responseSchema":{"type":"object","properties":{"answer":{"type":"string","nullable":true}},"required":["answer"]},
                 "seed":42,"presencePenalty":0.5,"frequencyPenalty":-0.5}"""));
    }

    @Test
    void jsonObjectMode_andASingleStop_andLegacyMaxTokens() {
        JsonNode body = map("""
                {"model":"gemini-2.5-flash","messages":[{"role":"user","content":"hi"}],
                 "response_format":{"type":"json_object"},"stop":"\\n\\n","max_tokens":100}""");

        assertThat(body.get("generationConfig")).isEqualTo(JSON.readTree("""
                {"maxOutputTokens":100,"stopSequences":["\\n\\n"],"responseMimeType":"application/json"}"""));
    }

    @Test
    void audioPart_isRefusedAs400NamingThePart() {
        UpstreamException e = rejected("""
                {"model":"gemini-2.5-flash","messages":[{"role":"user","content":[
                  {"type":"input_audio","input_audio":{"data":"AAA=","format":"wav"}}]}]}""");

        assertThat(e.kind()).isEqualTo(UpstreamException.Kind.STATUS);
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).startsWith("messages[0].content[0].type: 'input_audio' parts cannot be sent to Gemini");
    }

    @Test
    void toolResultForAnUnknownCall_isRefused() {
        UpstreamException e = rejected("""
                {"model":"gemini-2.5-flash","messages":[{"role":"user","content":"hi"},
                  {"role":"tool","tool_call_id":"call_9","content":"x"}]}""");

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).startsWith("messages[1].tool_call_id: 'call_9' matches no tool call");
    }

    @Test
    void toolArgumentsThatAreNotJson_areRefused() {
        UpstreamException e = rejected("""
                {"model":"gemini-2.5-flash","messages":[{"role":"user","content":"hi"},
                  {"role":"assistant","tool_calls":[{"id":"a","type":"function","function":{"name":"f","arguments":"{oops"}}]}]}""");

        assertThat(e.getMessage()).startsWith("messages[1].tool_calls[0].function.arguments: not valid JSON");
    }

    @Test
    void dataUrlThatIsNotBase64_andOtherSchemes_areRefused() {
        assertThat(rejected("""
                {"model":"g","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:,hello"}}]}]}""")
                .getMessage()).startsWith("messages[0].content[0].image_url.url: a data: URL that is not base64");
        assertThat(rejected("""
                {"model":"g","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"file:///etc/passwd"}}]}]}""")
                .getMessage()).startsWith("messages[0].content[0].image_url.url: not an http(s) or data: URL");
    }

    @Test
    void onlySystemMessages_areRefused() {
        assertThat(rejected("{\"model\":\"g\",\"messages\":[{\"role\":\"system\",\"content\":\"x\"}]}").getMessage())
                .startsWith("messages: no user or assistant message");
    }
}
