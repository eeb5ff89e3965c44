package dev.tollgate.provider;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.model.Usage;
import dev.tollgate.api.responses.ResponsesSchema;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.testing.AnthropicFixtures;
import dev.tollgate.testing.AnthropicFixtures.Tokens;
import dev.tollgate.testing.GatewayExtension;
import dev.tollgate.testing.GeminiFixtures;
import dev.tollgate.testing.MockResponse;
import dev.tollgate.testing.MockUpstream;
import dev.tollgate.testing.OpenAiFixtures;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The provider × inbound dialect (OpenAI chat, Anthropic messages, OpenAI Responses) × scenario matrix:
 * every upstream protocol (mocked in its documented wire format) reached from every client dialect, in
 * every scenario, with exact text, tool arguments, finish reason and usage in the answer and in the ledger. A new upstream protocol is one more {@link Upstream}.
 *
 * <p>Design note on its length: the file is one table, kept whole on purpose. The scenarios are one test
 * each, and each protocol (an {@link Upstream} constant scripting its mock) and each client dialect (a
 * constant building requests and reading answers in its shape) is a handful of small methods. Their
 * bodies look alike because the wire formats are alike, but each spells its own protocol. Split across
 * files, the cells could no longer be read side by side. Scenarios of one protocol's own features
 * (Anthropic's thinking blocks and citations) run for that upstream only, from both dialects.
 */
class ProviderMatrixTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String KEY = "sk-tollgate-test";
    private static final String IMAGE = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

    @RegisterExtension
    @Order(1)
    static final MockUpstream openaiMock = new MockUpstream();

    @RegisterExtension
    @Order(2)
    static final MockUpstream anthropicMock = new MockUpstream();

    @RegisterExtension
    @Order(3)
    static final MockUpstream geminiMock = new MockUpstream();

    @RegisterExtension
    @Order(4)
    static final GatewayExtension gateway = GatewayExtension.yaml("""
            master_key: sk-tollgate-test
            providers:
              - {name: openai, kind: openai, base_url: "${OPENAI}", api_key: sk-openai-upstream, responses_api: translate}
              - {name: anthropic, kind: anthropic, base_url: "${ANTHROPIC}", api_key: sk-ant-upstream}
              - {name: gemini, kind: gemini, base_url: "${GEMINI}", api_key: AIzaSy-gemini-upstream}
            """).env("OPENAI", () -> openaiMock.baseUrl().toString()).env("ANTHROPIC", () -> "http://127.0.0.1:" + anthropicMock.port())
            .env("GEMINI", () -> "http://127.0.0.1:" + geminiMock.port() + "/v1beta");

    enum Scenario {
        PLAIN, STREAMING, TOOL_CALL, TOOL_RESULT, MULTI_TURN_SYSTEM, IMAGE, UPSTREAM_ERROR, STREAM_CUT,
        /** Anthropic's own features: an Anthropic client gets them as Anthropic sent them, an OpenAI client the text. */
        THINKING, THINKING_STREAMED, CITATIONS, CITATIONS_STREAMED;

        /** Whether {@code upstream} has this scenario at all (thinking blocks and citations are Anthropic's). */
        boolean servedBy(Upstream upstream) {
            return ordinal() < THINKING.ordinal() || upstream == Upstream.ANTHROPIC;
        }
    }

    private static final List<String> THINKING_PIECES = List.of("Let me solve this step by step:\n\n1. First break down 27 * 453",
            "\n2. 453 = 400 + 50 + 3");
    private static final String SIGNATURE = "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds";
    private static final String CITED_LEAD = "According to the document, ";
    private static final List<AnthropicFixtures.Cited> CITED = List.of(
            new AnthropicFixtures.Cited("the grass is green", "The grass is green.", 0, 20),
            new AnthropicFixtures.Cited(" and the sky is blue", "The sky is blue.", 20, 36));
    private static final String STOP_SEQUENCE = "\n\nEND";

    /** An upstream protocol: its mock, a model it serves, and its wire format for each scripted answer. */
    enum Upstream {
        OPENAI_COMPATIBLE("gpt-4o-mini") {
            @Override
            MockUpstream mock() {
                return openaiMock;
            }

            @Override
            MockResponse text(List<String> pieces, Usage usage, boolean stream) {
                return stream ? MockResponse.sse(OpenAiFixtures.chunks(model, pieces, usage))
                        : MockResponse.json(200, OpenAiFixtures.chatCompletion(model, String.join("", pieces), usage));
            }

            @Override
            MockResponse toolCall(String id, List<String> arguments, Usage usage) {
                return MockResponse.sse(OpenAiFixtures.toolCallChunks(model, id, "get_weather", arguments, usage));
            }

            @Override
            MockResponse rateLimited() {
                return OpenAiFixtures.error(429, "requests", "rate_limit_exceeded", "Rate limit reached").withHeader("retry-after", "7");
            }

            @Override
            MockResponse cut(List<String> pieces, Usage usage) {
                return text(pieces, usage, true).withFault(MockResponse.Fault.RESET, 3);
            }

            @Override
            Usage usage(long input, long cached, long output) {
                return new Usage(input, output, cached, 0, false);
            }

            @Override
            String systemPrompt(JsonNode sent) {
                return sent.at("/messages/0/role").asString().equals("system") ? sent.at("/messages/0/content").asString() : null;
            }

            @Override
            List<String> roles(JsonNode sent) {
                List<String> out = new ArrayList<>();
                sent.get("messages").forEach(m -> out.add(m.get("role").asString()));
                return out;
            }

            @Override
            String imageUrl(JsonNode sent) {
                for (JsonNode part : sent.at("/messages/0/content")) {
                    if (part.path("type").asString().equals("image_url")) {
                        return part.at("/image_url/url").asString();
                    }
                }
                return null;
            }

            @Override
            Map<String, String> toolResults(JsonNode sent) {
                Map<String, String> out = new LinkedHashMap<>();
                sent.get("messages").forEach(m -> {
                    if (m.get("role").asString().equals("tool")) {
                        out.put(m.get("tool_call_id").asString(), m.get("content").asString());
                    }
                });
                return out;
            }

            @Override
            JsonNode toolCallInput(JsonNode sent) {
                for (JsonNode m : sent.get("messages")) {
                    if (m.has("tool_calls")) {
                        return JSON.readTree(m.at("/tool_calls/0/function/arguments").asString());
                    }
                }
                return null;
            }
        },
        ANTHROPIC("claude-sonnet-4-5") {
            @Override
            MockUpstream mock() {
                return anthropicMock;
            }

            @Override
            MockResponse text(List<String> pieces, Usage usage, boolean stream) {
                return stream ? MockResponse.sse(AnthropicFixtures.textStream(model, pieces, "end_turn", tokens(usage)))
                        : MockResponse.json(200, AnthropicFixtures.message(model, String.join("", pieces), "end_turn", tokens(usage)));
            }

            @Override
            MockResponse toolCall(String id, List<String> arguments, Usage usage) {
                return MockResponse.sse(AnthropicFixtures.toolUseStream(model, "Checking.", id, "get_weather", arguments, tokens(usage)));
            }

            @Override
            MockResponse rateLimited() {
                return AnthropicFixtures.error(429, "rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit")
                        .withHeader("retry-after", "7");
            }

            @Override
            MockResponse cut(List<String> pieces, Usage usage) {
                return text(pieces, usage, true).withFault(MockResponse.Fault.RESET, 5);
            }

            @Override
            Usage usage(long input, long cached, long output) {
                return new Usage(input, output, cached, 0, 0, false);
            }

            private static Tokens tokens(Usage usage) {
                return new Tokens(usage.inputTokens() - usage.cachedTokens() - usage.cacheWriteTokens(), usage.cachedTokens(),
                        usage.cacheWriteTokens(), usage.outputTokens());
            }

            @Override
            String systemPrompt(JsonNode sent) {
                return sent.path("system").isString() ? sent.get("system").asString() : null;
            }

            @Override
            List<String> roles(JsonNode sent) {
                List<String> out = new ArrayList<>();
                sent.get("messages").forEach(m -> out.add(m.get("role").asString()));
                return out;
            }

            @Override
            String imageUrl(JsonNode sent) {
                for (JsonNode block : sent.at("/messages/0/content")) {
                    if (block.path("type").asString().equals("image")) {
                        JsonNode source = block.get("source");
                        return "data:" + source.get("media_type").asString() + ";base64," + source.get("data").asString();
                    }
                }
                return null;
            }

            @Override
            Map<String, String> toolResults(JsonNode sent) {
                Map<String, String> out = new LinkedHashMap<>();
                sent.get("messages").forEach(m -> m.path("content").forEach(b -> {
                    if (b.path("type").asString().equals("tool_result")) {
                        out.put(b.get("tool_use_id").asString(), b.get("content").asString());
                    }
                }));
                return out;
            }

            @Override
            JsonNode toolCallInput(JsonNode sent) {
                for (JsonNode m : sent.get("messages")) {
                    for (JsonNode b : m.path("content")) {
                        if (b.path("type").asString().equals("tool_use")) {
                            return b.get("input");
                        }
                    }
                }
                return null;
            }
        },
        GEMINI("gemini-2.5-flash") {
            @Override
            MockUpstream mock() {
                return geminiMock;
            }

            @Override
            MockResponse text(List<String> pieces, Usage usage, boolean stream) {
                return stream ? MockResponse.sse(GeminiFixtures.events(model, pieces, tokens(usage)))
                        : MockResponse.json(200, GeminiFixtures.text(model, String.join("", pieces), tokens(usage)));
            }

            @Override
            MockResponse toolCall(String id, List<String> arguments, Usage usage) {
                // Gemini has no call ids and sends each call whole, in one event.
                return MockResponse.sse(GeminiFixtures.functionCallEvents(model, "get_weather", String.join("", arguments), tokens(usage)));
            }

            @Override
            MockResponse rateLimited() {
                // Google sends no Retry-After header: the delay is the RetryInfo detail of the error body.
                return GeminiFixtures.quotaExceeded("7s");
            }

            @Override
            MockResponse cut(List<String> pieces, Usage usage) {
                return text(pieces, usage, true).withFault(MockResponse.Fault.RESET, 2);
            }

            @Override
            Usage usage(long input, long cached, long output) {
                return new Usage(input, output, cached, 0, 0, false);
            }

            private static GeminiFixtures.Tokens tokens(Usage usage) {
                return new GeminiFixtures.Tokens(Math.toIntExact(usage.inputTokens()), Math.toIntExact(usage.outputTokens()),
                        Math.toIntExact(usage.cachedTokens()), 0);
            }

            @Override
            String systemPrompt(JsonNode sent) {
                return sent.at("/systemInstruction/parts/0/text").asString(null);
            }

            @Override
            List<String> roles(JsonNode sent) {
                List<String> out = new ArrayList<>();
                // Gemini's "model" role is the assistant's.
                sent.get("contents").forEach(c -> out.add(c.get("role").asString().replace("model", "assistant")));
                return out;
            }

            @Override
            String imageUrl(JsonNode sent) {
                for (JsonNode part : sent.at("/contents/0/parts")) {
                    if (part.has("inlineData")) {
                        return "data:" + part.at("/inlineData/mimeType").asString() + ";base64," + part.at("/inlineData/data").asString();
                    }
                }
                return null;
            }

            @Override
            Map<String, String> toolResults(JsonNode sent) {
                Map<String, String> out = new LinkedHashMap<>();
                sent.get("contents").forEach(c -> c.path("parts").forEach(p -> {
                    if (p.has("functionResponse")) {
                        out.put(p.at("/functionResponse/name").asString(), p.at("/functionResponse/response/result").asString());
                    }
                }));
                return out;
            }

            @Override
            String resultKey(String id, String function) {
                return function;
            }

            @Override
            JsonNode toolCallInput(JsonNode sent) {
                for (JsonNode c : sent.get("contents")) {
                    for (JsonNode p : c.path("parts")) {
                        if (p.has("functionCall")) {
                            return p.at("/functionCall/args");
                        }
                    }
                }
                return null;
            }
        };

        final String model;

        Upstream(String model) {
            this.model = model;
        }

        abstract MockUpstream mock();

        abstract MockResponse text(List<String> pieces, Usage usage, boolean stream);

        abstract MockResponse toolCall(String id, List<String> arguments, Usage usage);

        abstract MockResponse rateLimited();

        abstract MockResponse cut(List<String> pieces, Usage usage);

        /** The usage this protocol can report (OpenAI has no cache writes). */
        abstract Usage usage(long input, long cached, long output);

        abstract String systemPrompt(JsonNode sent);

        abstract List<String> roles(JsonNode sent);

        abstract String imageUrl(JsonNode sent);

        abstract Map<String, String> toolResults(JsonNode sent);

        /** How this protocol names the call a tool result answers: by its id, or (Gemini) by the function's name. */
        String resultKey(String id, String function) {
            return id;
        }

        abstract JsonNode toolCallInput(JsonNode sent);
    }

    /** What a client got, in dialect-neutral terms: finish reasons in OpenAI's names. */
    record Answer(int status, String text, String finish, String toolName, JsonNode toolInput, long input, long cached, long output,
                  String errorType, boolean streamError) {
    }

    /** A client dialect: how it asks, and how its answers read. */
    enum Dialect {
        OPENAI("/v1/chat/completions") {
            @Override
            ObjectNode request(String model, List<ObjectNode> turns, String system, boolean stream, boolean tools) {
                ObjectNode body = JSON.createObjectNode().put("model", model);
                ArrayNode messages = body.putArray("messages");
                if (system != null) {
                    messages.addObject().put("role", "system").put("content", system);
                }
                turns.forEach(messages::add);
                if (stream) {
                    body.put("stream", true).putObject("stream_options").put("include_usage", true);
                }
                if (tools) {
                    body.putArray("tools").addObject().put("type", "function").putObject("function").put("name", "get_weather")
                            .set("parameters", JSON.readTree("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}"));
                }
                return body;
            }

            @Override
            ObjectNode user(String text, String imageUrl) {
                ObjectNode m = JSON.createObjectNode().put("role", "user");
                if (imageUrl == null) {
                    return m.put("content", text);
                }
                ArrayNode parts = m.putArray("content");
                parts.addObject().put("type", "text").put("text", text);
                parts.addObject().put("type", "image_url").putObject("image_url").put("url", imageUrl);
                return m;
            }

            @Override
            ObjectNode assistant(String text) {
                return JSON.createObjectNode().put("role", "assistant").put("content", text);
            }

            @Override
            List<ObjectNode> toolExchange(String id, String arguments, String result) {
                ObjectNode call = JSON.createObjectNode().put("role", "assistant").putNull("content");
                call.putArray("tool_calls").addObject().put("id", id).put("type", "function")
                        .putObject("function").put("name", "get_weather").put("arguments", arguments);
                return List.of(call, JSON.createObjectNode().put("role", "tool").put("tool_call_id", id).put("content", result));
            }

            @Override
            Answer read(HttpResponse<String> response, boolean stream) {
                if (response.statusCode() != 200) {
                    return error(response, JSON.readTree(response.body()).at("/error/type").asString());
                }
                if (!stream) {
                    JsonNode body = JSON.readTree(response.body());
                    JsonNode message = body.at("/choices/0/message");
                    JsonNode call = message.path("tool_calls").path(0);
                    return new Answer(200, message.path("content").asString(""), body.at("/choices/0/finish_reason").asString(),
                            call.isMissingNode() ? null : call.at("/function/name").asString(),
                            call.isMissingNode() ? null : JSON.readTree(call.at("/function/arguments").asString()),
                            body.at("/usage/prompt_tokens").asLong(), body.at("/usage/prompt_tokens_details/cached_tokens").asLong(),
                            body.at("/usage/completion_tokens").asLong(), null, false);
                }
                StringBuilder text = new StringBuilder();
                StringBuilder arguments = new StringBuilder();
                String finish = null;
                String tool = null;
                long[] usage = {-1, -1, -1};
                boolean error = false;
                for (String line : response.body().split("\n")) {
                    if (!line.startsWith("data: ") || line.equals("data: [DONE]")) {
                        continue;
                    }
                    JsonNode chunk = JSON.readTree(line.substring(6));
                    error |= chunk.has("error");
                    JsonNode delta = chunk.at("/choices/0/delta");
                    text.append(delta.path("content").asString(""));
                    JsonNode call = delta.path("tool_calls").path(0);
                    if (call.at("/function/name").isString()) {
                        tool = call.at("/function/name").asString();
                    }
                    arguments.append(call.at("/function/arguments").asString(""));
                    if (chunk.at("/choices/0/finish_reason").isString()) {
                        finish = chunk.at("/choices/0/finish_reason").asString();
                    }
                    if (chunk.path("usage").isObject()) {
                        usage = new long[] {chunk.at("/usage/prompt_tokens").asLong(), chunk.at("/usage/prompt_tokens_details/cached_tokens").asLong(),
                                chunk.at("/usage/completion_tokens").asLong()};
                    }
                }
                return new Answer(200, text.toString(), finish, tool, tool == null ? null : JSON.readTree(arguments.toString()),
                        usage[0], usage[1], usage[2], null, error);
            }
        },
        ANTHROPIC("/v1/messages") {
            @Override
            ObjectNode request(String model, List<ObjectNode> turns, String system, boolean stream, boolean tools) {
                ObjectNode body = JSON.createObjectNode().put("model", model).put("max_tokens", 256);
                if (system != null) {
                    body.put("system", system);
                }
                ArrayNode messages = body.putArray("messages");
                turns.forEach(messages::add);
                if (stream) {
                    body.put("stream", true);
                }
                if (tools) {
                    body.putArray("tools").addObject().put("name", "get_weather")
                            .set("input_schema", JSON.readTree("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}"));
                }
                return body;
            }

            @Override
            ObjectNode user(String text, String imageUrl) {
                ObjectNode m = JSON.createObjectNode().put("role", "user");
                if (imageUrl == null) {
                    return m.put("content", text);
                }
                ArrayNode blocks = m.putArray("content");
                blocks.addObject().put("type", "text").put("text", text);
                String mediaType = imageUrl.substring(5, imageUrl.indexOf(';'));
                blocks.addObject().put("type", "image").putObject("source").put("type", "base64").put("media_type", mediaType)
                        .put("data", imageUrl.substring(imageUrl.indexOf(',') + 1));
                return m;
            }

            @Override
            ObjectNode assistant(String text) {
                return JSON.createObjectNode().put("role", "assistant").put("content", text);
            }

            @Override
            List<ObjectNode> toolExchange(String id, String arguments, String result) {
                ObjectNode call = JSON.createObjectNode().put("role", "assistant");
                call.putArray("content").addObject().put("type", "tool_use").put("id", id).put("name", "get_weather")
                        .set("input", JSON.readTree(arguments));
                ObjectNode answer = JSON.createObjectNode().put("role", "user");
                answer.putArray("content").addObject().put("type", "tool_result").put("tool_use_id", id).put("content", result);
                return List.of(call, answer);
            }

            @Override
            Answer read(HttpResponse<String> response, boolean stream) {
                if (response.statusCode() != 200) {
                    JsonNode body = JSON.readTree(response.body());
                    assertThat(body.get("type").asString()).isEqualTo("error");
                    return error(response, body.at("/error/type").asString());
                }
                if (!stream) {
                    return message(JSON.readTree(response.body()));
                }
                StringBuilder text = new StringBuilder();
                StringBuilder arguments = new StringBuilder();
                String tool = null;
                String stop = null;
                long[] usage = {-1, -1, -1};
                ObjectNode counts = JSON.createObjectNode();
                boolean error = false;
                for (String line : response.body().split("\n")) {
                    if (!line.startsWith("data: ")) {
                        continue;
                    }
                    JsonNode event = JSON.readTree(line.substring(6));
                    switch (event.get("type").asString()) {
                        // Usage as Anthropic's SDKs read it: message_start's counts, updated by message_delta's.
                        case "message_start" -> counts.setAll((ObjectNode) event.at("/message/usage"));
                        case "content_block_start" -> {
                            if (event.at("/content_block/type").asString().equals("tool_use")) {
                                tool = event.at("/content_block/name").asString();
                            }
                        }
                        case "content_block_delta" -> {
                            text.append(event.at("/delta/text").asString(""));
                            arguments.append(event.at("/delta/partial_json").asString(""));
                        }
                        case "message_delta" -> {
                            stop = event.at("/delta/stop_reason").asString();
                            counts.setAll((ObjectNode) event.get("usage"));
                            usage = new long[] {counts.get("input_tokens").asLong() + counts.get("cache_read_input_tokens").asLong()
                                    + counts.get("cache_creation_input_tokens").asLong(), counts.get("cache_read_input_tokens").asLong(),
                                    counts.get("output_tokens").asLong()};
                        }
                        case "error" -> error = true;
                        default -> { }
                    }
                }
                return new Answer(200, text.toString(), finishOf(stop), tool, tool == null ? null : JSON.readTree(arguments.toString()),
                        usage[0], usage[1], usage[2], null, error);
            }

            private static Answer message(JsonNode body) {
                StringBuilder text = new StringBuilder();
                String tool = null;
                JsonNode input = null;
                for (JsonNode block : body.get("content")) {
                    if (block.get("type").asString().equals("text")) {
                        text.append(block.get("text").asString());
                    } else if (block.get("type").asString().equals("tool_use")) {
                        tool = block.get("name").asString();
                        input = block.get("input");
                    }
                }
                JsonNode u = body.get("usage");
                long cached = u.get("cache_read_input_tokens").asLong();
                return new Answer(200, text.toString(), finishOf(body.get("stop_reason").asString()), tool, input,
                        u.get("input_tokens").asLong() + cached + u.get("cache_creation_input_tokens").asLong(), cached,
                        u.get("output_tokens").asLong(), null, false);
            }

            private static String finishOf(String stopReason) {
                return stopReason == null ? null : switch (stopReason) {
                    case "end_turn" -> "stop";
                    case "tool_use" -> "tool_calls";
                    case "max_tokens" -> "length";
                    default -> stopReason;
                };
            }
        },
        RESPONSES("/v1/responses") {
            @Override
            ObjectNode request(String model, List<ObjectNode> turns, String system, boolean stream, boolean tools) {
                ObjectNode body = JSON.createObjectNode().put("model", model);
                if (system != null) {
                    body.put("instructions", system);
                }
                ArrayNode input = body.putArray("input");
                turns.forEach(input::add);
                if (stream) {
                    body.put("stream", true);
                }
                if (tools) {
                    body.putArray("tools").addObject().put("type", "function").put("name", "get_weather")
                            .set("parameters", JSON.readTree("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}"));
                }
                return body;
            }

            @Override
            ObjectNode user(String text, String imageUrl) {
                ObjectNode m = JSON.createObjectNode().put("role", "user");
                if (imageUrl == null) {
                    return m.put("content", text);
                }
                ArrayNode parts = m.putArray("content");
                parts.addObject().put("type", "input_text").put("text", text);
                parts.addObject().put("type", "input_image").put("image_url", imageUrl);
                return m;
            }

            @Override
            ObjectNode assistant(String text) {
                return JSON.createObjectNode().put("role", "assistant").put("content", text);
            }

            @Override
            List<ObjectNode> toolExchange(String id, String arguments, String result) {
                return List.of(JSON.createObjectNode().put("type", "function_call").put("call_id", id).put("name", "get_weather")
                                .put("arguments", arguments),
                        JSON.createObjectNode().put("type", "function_call_output").put("call_id", id).put("output", result));
            }

            @Override
            Answer read(HttpResponse<String> response, boolean stream) {
                if (response.statusCode() != 200) {
                    return error(response, JSON.readTree(response.body()).at("/error/type").asString());
                }
                if (!stream) {
                    JsonNode body = JSON.readTree(response.body());
                    assertThat(ResponsesSchema.violations("Response", body)).as("OpenAI's Response schema").isEmpty();
                    return answer(body, false);
                }
                JsonNode last = null;
                boolean error = false;
                StringBuilder text = new StringBuilder();
                StringBuilder arguments = new StringBuilder();
                for (JsonNode event : events(response)) {
                    assertThat(ResponsesSchema.eventViolations(event)).as(event.toString()).isEmpty();
                    switch (event.get("type").asString()) {
                        case "response.output_text.delta" -> text.append(event.get("delta").asString());
                        case "response.function_call_arguments.delta" -> arguments.append(event.get("delta").asString());
                        case "response.completed", "response.failed" -> last = event.get("response");
                        case "error" -> error = true;
                        default -> {
                            // the other events frame these
                        }
                    }
                }
                Answer whole = answer(last, error);
                assertThat(whole.text()).as("the final response holds what the deltas sent").isEqualTo(text.toString());
                if (whole.toolName() != null) {
                    assertThat(JSON.readTree(arguments.toString())).isEqualTo(whole.toolInput());
                }
                return whole;
            }

            /** A response object's text, tool call, status (as a finish reason) and usage. */
            private static Answer answer(JsonNode response, boolean streamError) {
                StringBuilder text = new StringBuilder();
                String tool = null;
                JsonNode input = null;
                for (JsonNode item : response.get("output")) {
                    if (item.get("type").asString().equals("function_call")) {
                        tool = item.get("name").asString();
                        input = JSON.readTree(item.get("arguments").asString());
                    }
                    item.path("content").forEach(part -> text.append(part.path("text").asString("")));
                }
                String finish = switch (response.get("status").asString()) {
                    case "completed" -> tool == null ? "stop" : "tool_calls";
                    case "incomplete" -> "length";
                    default -> response.get("status").asString();
                };
                JsonNode u = response.get("usage");
                return new Answer(200, text.toString(), finish, tool, input, u.get("input_tokens").asLong(),
                        u.at("/input_tokens_details/cached_tokens").asLong(), u.get("output_tokens").asLong(), null, streamError);
            }
        };

        final String path;

        Dialect(String path) {
            this.path = path;
        }

        abstract ObjectNode request(String model, List<ObjectNode> turns, String system, boolean stream, boolean tools);

        abstract ObjectNode user(String text, String imageUrl);

        abstract ObjectNode assistant(String text);

        abstract List<ObjectNode> toolExchange(String id, String arguments, String result);

        abstract Answer read(HttpResponse<String> response, boolean stream);

        static Answer error(HttpResponse<String> response, String type) {
            return new Answer(response.statusCode(), null, null, null, null, -1, -1, -1, type, false);
        }
    }

    static Stream<Arguments> matrix() {
        List<Arguments> out = new ArrayList<>();
        for (Upstream upstream : Upstream.values()) {
            for (Dialect dialect : Dialect.values()) {
                for (Scenario scenario : Scenario.values()) {
                    if (scenario.servedBy(upstream)) {
                        out.add(Arguments.of(upstream, dialect, scenario));
                    }
                }
            }
        }
        return out.stream();
    }

    @BeforeEach
    void upstreamsAnswerInTheirOwnFormat() {
        anthropicMock.fallback(AnthropicFixtures::answer);
        geminiMock.fallback(GeminiFixtures::answer);
    }

    @ParameterizedTest(name = "{0} upstream, {1} client: {2}")
    @MethodSource("matrix")
    void everyCell_isExact(Upstream upstream, Dialect dialect, Scenario scenario) {
        Usage usage = upstream.usage(2006, 1920, 17);
        String model = upstream.model;
        List<ObjectNode> question = List.of(dialect.user("Capital of France?", null));
        switch (scenario) {
            case PLAIN, STREAMING -> {
                boolean stream = scenario == Scenario.STREAMING;
                upstream.mock().enqueue(upstream.text(List.of("Paris", " is the", " capital."), usage, stream));
                Answer answer = call(dialect, dialect.request(model, question, null, stream, false), stream);
                assertText(answer, "Paris is the capital.", usage);
            }
            case TOOL_CALL -> {
                upstream.mock().enqueue(upstream.toolCall("toolu_01T1x1fJ34qAmk2tNTrN7Up6", List.of("{\"city\":", " \"Paris\"}"), usage));
                Answer answer = call(dialect, dialect.request(model, question, null, true, true), true);
                assertThat(answer.toolName()).isEqualTo("get_weather");
                assertThat(answer.toolInput()).isEqualTo(JSON.readTree("{\"city\":\"Paris\"}"));
                assertThat(answer.finish()).isEqualTo("tool_calls");
                assertUsage(answer, usage);
                assertThat(lastEvent().usage()).isEqualTo(usage);
            }
            case TOOL_RESULT -> {
                upstream.mock().enqueue(upstream.text(List.of("It is 18C in Paris."), usage, false));
                List<ObjectNode> turns = new ArrayList<>(List.of(dialect.user("Weather in Paris?", null)));
                turns.addAll(dialect.toolExchange("toolu_1", "{\"city\":\"Paris\"}", "18C"));
                Answer answer = call(dialect, dialect.request(model, turns, null, false, true), false);
                assertText(answer, "It is 18C in Paris.", usage);
                JsonNode sent = JSON.readTree(upstream.mock().takeRequest().body());
                assertThat(upstream.toolResults(sent)).containsExactly(Map.entry(upstream.resultKey("toolu_1", "get_weather"), "18C"));
                assertThat(upstream.toolCallInput(sent)).isEqualTo(JSON.readTree("{\"city\":\"Paris\"}"));
            }
            case MULTI_TURN_SYSTEM -> {
                upstream.mock().enqueue(upstream.text(List.of("Paris."), usage, false));
                List<ObjectNode> turns = List.of(dialect.user("Hi", null), dialect.assistant("Hello."), dialect.user("Capital of France?", null));
                Answer answer = call(dialect, dialect.request(model, turns, "Be terse.", false, false), false);
                assertText(answer, "Paris.", usage);
                JsonNode sent = JSON.readTree(upstream.mock().takeRequest().body());
                assertThat(upstream.systemPrompt(sent)).isEqualTo("Be terse.");
                assertThat(upstream.roles(sent)).containsSubsequence("user", "assistant", "user").doesNotContain("developer");
            }
            case IMAGE -> {
                upstream.mock().enqueue(upstream.text(List.of("A red pixel."), usage, false));
                String url = "data:image/png;base64," + IMAGE;
                Answer answer = call(dialect, dialect.request(model, List.of(dialect.user("What is this?", url)), null, false, false), false);
                assertText(answer, "A red pixel.", usage);
                assertThat(upstream.imageUrl(JSON.readTree(upstream.mock().takeRequest().body()))).isEqualTo(url);
            }
            case UPSTREAM_ERROR -> {
                upstream.mock().enqueue(upstream.rateLimited());
                HttpResponse<String> response = send(dialect, dialect.request(model, question, null, false, false));
                Answer answer = dialect.read(response, false);
                assertThat(answer.status()).isEqualTo(429);
                assertThat(answer.errorType()).isEqualTo("rate_limit_error");
                assertThat(response.headers().firstValue("retry-after")).contains("7");
                UsageEvent event = ledger(response);
                assertThat(event.status()).isEqualTo(429);
                assertThat(event.provider()).isEqualTo(upstream == Upstream.OPENAI_COMPATIBLE ? "openai" : upstream.name().toLowerCase());
            }
            case THINKING, THINKING_STREAMED -> thinking(dialect, scenario == Scenario.THINKING_STREAMED, usage);
            case CITATIONS, CITATIONS_STREAMED -> citations(dialect, scenario == Scenario.CITATIONS_STREAMED, usage);
            case STREAM_CUT -> {
                upstream.mock().enqueue(upstream.cut(List.of("One", " two", " three", " four"), usage));
                Answer answer = call(dialect, dialect.request(model, question, null, true, false), true);
                assertThat(answer.text()).isEqualTo("One two");
                assertThat(answer.streamError()).isTrue();
                UsageEvent event = lastEvent();
                assertThat(event.errorCode()).isEqualTo("upstream_stream_failed");
                assertThat(event.usage().inputTokens()).isPositive();
                assertThat(event.usage().outputTokens()).isPositive();
                if (upstream != Upstream.OPENAI_COMPATIBLE) {
                    assertThat(event.usage().inputTokens()).as("exact from message_start / the first event's promptTokenCount")
                            .isEqualTo(2006);
                }
            }
        }
    }

    /** Extended thinking: the thinking block and its signature reach an Anthropic client intact, an OpenAI client only the text. */
    private void thinking(Dialect dialect, boolean stream, Usage usage) {
        String model = Upstream.ANTHROPIC.model;
        AnthropicFixtures.Tokens tokens = new AnthropicFixtures.Tokens(usage.inputTokens() - usage.cachedTokens(), usage.cachedTokens(), 0,
                usage.outputTokens());
        List<String> text = List.of("27 * 453", " = 12,231");
        anthropicMock.enqueue(stream ? MockResponse.sse(AnthropicFixtures.thinkingStream(model, THINKING_PIECES, SIGNATURE, text, tokens))
                : MockResponse.json(200, AnthropicFixtures.thinkingMessage(model, String.join("", THINKING_PIECES), SIGNATURE,
                String.join("", text), tokens)));
        HttpResponse<String> response = send(dialect, dialect.request(model, List.of(dialect.user("What is 27 * 453?", null)), null, stream, false));
        assertText(dialect.read(response, stream), "27 * 453 = 12,231", usage);
        if (dialect != Dialect.ANTHROPIC) {
            assertThat(response.body()).as("OpenAI's chat and Responses shapes get no thinking").doesNotContain("step by step", SIGNATURE);
            return;
        }
        if (!stream) {
            JsonNode block = JSON.readTree(response.body()).at("/content/0");
            assertThat(block.get("type").asString()).isEqualTo("thinking");
            assertThat(block.get("thinking").asString()).isEqualTo(String.join("", THINKING_PIECES));
            assertThat(block.get("signature").asString()).isEqualTo(SIGNATURE);
            return;
        }
        StringBuilder thought = new StringBuilder();
        List<String> signatures = new ArrayList<>();
        for (JsonNode event : events(response)) {
            JsonNode delta = event.path("delta");
            thought.append(delta.path("type").asString("").equals("thinking_delta") ? delta.get("thinking").asString() : "");
            if (delta.path("type").asString("").equals("signature_delta")) {
                signatures.add(delta.get("signature").asString());
            }
        }
        assertThat(thought.toString()).isEqualTo(String.join("", THINKING_PIECES));
        assertThat(signatures).containsExactly(SIGNATURE);
    }

    /** Citations and the matched stop sequence reach an Anthropic client intact; an OpenAI client gets the whole text. */
    private void citations(Dialect dialect, boolean stream, Usage usage) {
        String model = Upstream.ANTHROPIC.model;
        AnthropicFixtures.Tokens tokens = new AnthropicFixtures.Tokens(usage.inputTokens() - usage.cachedTokens(), usage.cachedTokens(), 0,
                usage.outputTokens());
        anthropicMock.enqueue(stream ? MockResponse.sse(AnthropicFixtures.citedStream(model, CITED_LEAD, CITED, STOP_SEQUENCE, tokens))
                : MockResponse.json(200, AnthropicFixtures.citedMessage(model, CITED_LEAD, CITED, STOP_SEQUENCE, tokens)));
        HttpResponse<String> response = send(dialect, dialect.request(model, List.of(dialect.user("What colour is the grass?", null)), null,
                stream, false));
        Answer answer = dialect.read(response, stream);
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.text()).isEqualTo(CITED_LEAD + "the grass is green and the sky is blue");
        assertUsage(answer, usage);
        assertThat(lastEvent().usage()).as("usage in the ledger").isEqualTo(usage);
        if (dialect != Dialect.ANTHROPIC) {
            assertThat(answer.finish()).isEqualTo("stop");
            return;
        }
        assertThat(answer.finish()).isEqualTo("stop_sequence");
        List<JsonNode> citations = new ArrayList<>();
        String matched;
        if (!stream) {
            JsonNode body = JSON.readTree(response.body());
            body.get("content").forEach(block -> block.path("citations").forEach(citations::add));
            matched = body.get("stop_sequence").asString();
        } else {
            String[] last = {null};
            for (JsonNode event : events(response)) {
                if (event.at("/delta/type").asString("").equals("citations_delta")) {
                    citations.add(event.at("/delta/citation"));
                }
                if (event.get("type").asString().equals("message_delta")) {
                    last[0] = event.at("/delta/stop_sequence").asString();
                }
            }
            matched = last[0];
        }
        assertThat(citations).extracting(c -> c.get("cited_text").asString()).containsExactly("The grass is green.", "The sky is blue.");
        assertThat(citations).extracting(c -> c.get("end_char_index").asInt()).containsExactly(20, 36);
        assertThat(matched).isEqualTo(STOP_SEQUENCE);
    }

    /** The data of every event of a streamed answer. */
    private static List<JsonNode> events(HttpResponse<String> response) {
        List<JsonNode> out = new ArrayList<>();
        for (String line : response.body().split("\n")) {
            if (line.startsWith("data: ") && !line.equals("data: [DONE]")) {
                out.add(JSON.readTree(line.substring(6)));
            }
        }
        return out;
    }

    private String lastRequestId;

    private Answer call(Dialect dialect, ObjectNode body, boolean stream) {
        return dialect.read(send(dialect, body), stream);
    }

    private HttpResponse<String> send(Dialect dialect, ObjectNode body) {
        HttpResponse<String> response = gateway.post(dialect.path, body.toString(),
                dialect == Dialect.ANTHROPIC ? "x-api-key" : "authorization", dialect == Dialect.ANTHROPIC ? KEY : "Bearer " + KEY);
        lastRequestId = response.headers().firstValue("x-tollgate-request-id").orElseThrow();
        return response;
    }

    /** The usage event of the last call sent. */
    private UsageEvent lastEvent() {
        return gateway.event(lastRequestId);
    }

    private UsageEvent ledger(HttpResponse<String> response) {
        return gateway.event(response.headers().firstValue("x-tollgate-request-id").orElseThrow());
    }

    /** The answer's text, finish reason and usage, and the same usage in the ledger, exact. */
    private void assertText(Answer answer, String text, Usage usage) {
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.text()).isEqualTo(text);
        assertThat(answer.finish()).isEqualTo("stop");
        assertThat(answer.streamError()).isFalse();
        assertUsage(answer, usage);
        assertThat(lastEvent().usage()).as("usage in the ledger").isEqualTo(usage);
    }

    private static void assertUsage(Answer answer, Usage usage) {
        assertThat(new long[] {answer.input(), answer.cached(), answer.output()})
                .containsExactly(usage.inputTokens(), usage.cachedTokens(), usage.outputTokens());
    }
}
