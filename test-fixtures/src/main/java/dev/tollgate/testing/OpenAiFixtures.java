package dev.tollgate.testing;

import dev.tollgate.model.Usage;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * OpenAI wire shapes, copied from the documented examples of the Chat Completions and Embeddings API
 * reference: {@code chat.completion}, {@code chat.completion.chunk} (role chunk first, content deltas,
 * a finish chunk, and with {@code include_usage} a final chunk with empty {@code choices} and the
 * usage), tool calls whose arguments arrive split across chunks, usage with
 * {@code prompt_tokens_details.cached_tokens} and {@code completion_tokens_details.reasoning_tokens},
 * and the error object.
 */
public final class OpenAiFixtures {

    public static final String DEFAULT_ANSWER = "Hello! How can I assist you today?";
    public static final Usage DEFAULT_USAGE = new Usage(19, 10, 0, 0, false);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final long CREATED = 1741570283L;

    private OpenAiFixtures() {
    }

    public static String chatCompletion(String model, String content, Usage usage) {
        ObjectNode root = head("chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG", model, "chat.completion");
        ObjectNode choice = root.putArray("choices").addObject().put("index", 0);
        choice.putObject("message").put("role", "assistant").put("content", content).putNull("refusal").putArray("annotations");
        choice.putNull("logprobs");
        choice.put("finish_reason", "stop");
        usage(root, usage);
        root.put("service_tier", "default");
        return root.toString();
    }

    public static String toolCallCompletion(String model, String callId, String function, String arguments, Usage usage) {
        ObjectNode root = head("chatcmpl-abc123", model, "chat.completion");
        ObjectNode choice = root.putArray("choices").addObject().put("index", 0);
        ObjectNode message = choice.putObject("message").put("role", "assistant").putNull("content");
        message.putArray("tool_calls").addObject().put("id", callId).put("type", "function")
                .putObject("function").put("name", function).put("arguments", arguments);
        message.putNull("refusal");
        choice.putNull("logprobs");
        choice.put("finish_reason", "tool_calls");
        usage(root, usage);
        return root.toString();
    }

    /** Stream events of a text answer: role chunk, one chunk per piece, finish chunk, usage chunk if given, [DONE]. */
    public static List<String> chunks(String model, List<String> pieces, Usage usageOrNull) {
        List<String> out = new ArrayList<>();
        ObjectNode first = chunk(model);
        delta(first).put("role", "assistant").put("content", "").putNull("refusal");
        out.add(first.toString());
        for (String piece : pieces) {
            ObjectNode c = chunk(model);
            delta(c).put("content", piece);
            out.add(c.toString());
        }
        out.add(finish(model, "stop"));
        if (usageOrNull != null) {
            out.add(usageChunk(model, usageOrNull));
        }
        out.add("[DONE]");
        return out;
    }

    /** Stream events of a tool call whose arguments arrive in {@code argumentPieces}. */
    public static List<String> toolCallChunks(String model, String callId, String function, List<String> argumentPieces, Usage usageOrNull) {
        List<String> out = new ArrayList<>();
        ObjectNode first = chunk(model);
        ObjectNode d = delta(first).put("role", "assistant").putNull("content");
        d.putArray("tool_calls").addObject().put("index", 0).put("id", callId).put("type", "function")
                .putObject("function").put("name", function).put("arguments", "");
        d.putNull("refusal");
        out.add(first.toString());
        for (String piece : argumentPieces) {
            ObjectNode c = chunk(model);
            delta(c).putArray("tool_calls").addObject().put("index", 0).putObject("function").put("arguments", piece);
            out.add(c.toString());
        }
        out.add(finish(model, "tool_calls"));
        if (usageOrNull != null) {
            out.add(usageChunk(model, usageOrNull));
        }
        out.add("[DONE]");
        return out;
    }

    public static String usageChunk(String model, Usage usage) {
        ObjectNode c = chunk(model);
        c.putArray("choices");
        usage(c, usage);
        return c.toString();
    }

    public static String embeddings(String model, int count, int dimensions, long promptTokens) {
        ObjectNode root = JSON.createObjectNode().put("object", "list");
        ArrayNode data = root.putArray("data");
        for (int i = 0; i < count; i++) {
            ArrayNode v = data.addObject().put("object", "embedding").put("index", i).putArray("embedding");
            for (int j = 0; j < dimensions; j++) {
                v.add(0.0023064255 * (j + 1) - 0.009327292 * i);
            }
        }
        root.put("model", model);
        root.putObject("usage").put("prompt_tokens", promptTokens).put("total_tokens", promptTokens);
        return root.toString();
    }

    public static MockResponse error(int status, String type, String code, String message) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode error = root.putObject("error").put("message", message).put("type", type).putNull("param");
        if (code == null) {
            error.putNull("code");
        } else {
            error.put("code", code);
        }
        return MockResponse.json(status, root.toString());
    }

    /** The mock's default answer: OpenAI-shaped, for chat (plain or streamed, usage as asked) and embeddings. */
    public static MockResponse answer(RecordedRequest request) {
        JsonNode body = request.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(request.body());
        String model = body.path("model").asString("gpt-4o-mini");
        if (request.path().endsWith("/embeddings")) {
            int count = body.path("input").isArray() ? body.path("input").size() : 1;
            return MockResponse.json(200, embeddings(model, count, body.path("dimensions").asInt(8), 8L * count));
        }
        if (!request.path().endsWith("/chat/completions")) {
            return error(404, "invalid_request_error", "unknown_url", "Unknown request URL: " + request.method() + " " + request.path());
        }
        if (body.path("stream").asBoolean(false)) {
            boolean usage = body.path("stream_options").path("include_usage").asBoolean(false);
            return MockResponse.sse(chunks(model, List.of("Hello!", " How can I", " assist you today?"), usage ? DEFAULT_USAGE : null));
        }
        return MockResponse.json(200, chatCompletion(model, DEFAULT_ANSWER, DEFAULT_USAGE));
    }

    private static ObjectNode head(String id, String model, String object) {
        ObjectNode root = JSON.createObjectNode();
        root.put("id", id).put("object", object).put("created", CREATED).put("model", model)
                .put("system_fingerprint", "fp_fc9f1d7035");
        return root;
    }

    private static ObjectNode chunk(String model) {
        return head("chatcmpl-123", model, "chat.completion.chunk");
    }

    private static ObjectNode delta(ObjectNode chunk) {
        ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
        ObjectNode delta = choice.putObject("delta");
        choice.putNull("logprobs");
        choice.putNull("finish_reason");
        return delta;
    }

    private static String finish(String model, String reason) {
        ObjectNode c = chunk(model);
        delta(c);
        ((ObjectNode) c.get("choices").get(0)).put("finish_reason", reason);
        return c.toString();
    }

    private static void usage(ObjectNode root, Usage usage) {
        ObjectNode u = root.putObject("usage");
        u.put("prompt_tokens", usage.inputTokens()).put("completion_tokens", usage.outputTokens())
                .put("total_tokens", usage.totalTokens());
        u.putObject("prompt_tokens_details").put("cached_tokens", usage.cachedTokens()).put("audio_tokens", 0);
        u.putObject("completion_tokens_details").put("reasoning_tokens", usage.reasoningTokens()).put("audio_tokens", 0)
                .put("accepted_prediction_tokens", 0).put("rejected_prediction_tokens", 0);
    }
}
