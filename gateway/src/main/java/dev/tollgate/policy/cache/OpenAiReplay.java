package dev.tollgate.policy.cache;

import dev.tollgate.model.Usage;
import dev.tollgate.provider.Chunk;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A stored OpenAI answer in the other form than it was stored in: a {@code chat.completion} as the chunks of a
 * stream (for a streamed request that hits an answer stored whole), and a stream's chunks as one
 * {@code chat.completion} (the other way round). Both keep the ids, model, text, refusals, tool calls, finish
 * reasons and usage, as OpenAI itself would have sent them.
 */
final class OpenAiReplay {

    private final JsonMapper json;

    OpenAiReplay(JsonMapper json) {
        this.json = json;
    }

    /** A {@code chat.completion} as stream chunks: per choice its role, text, refusal, tool calls and finish; then usage. */
    List<Chunk> chunks(byte[] completion, Usage usage) {
        JsonNode root = json.readTree(completion);
        List<Chunk> out = new ArrayList<>();
        for (JsonNode choice : root.path("choices")) {
            int index = choice.path("index").asInt(0);
            JsonNode message = choice.path("message");
            ObjectNode first = chunkOf(root, index);
            delta(first).put("role", message.path("role").asString("assistant")).put("content", "");
            out.add(chunk(first, false));
            String text = message.path("content").asString("");
            if (!text.isEmpty()) {
                ObjectNode c = chunkOf(root, index);
                delta(c).put("content", text);
                if (choice.path("logprobs").isObject()) {
                    choice(c).set("logprobs", choice.get("logprobs")); // a whole answer's logprobs belong to its text
                }
                out.add(chunk(c, true));
            }
            String refusal = message.path("refusal").asString("");
            if (!refusal.isEmpty()) {
                ObjectNode c = chunkOf(root, index);
                delta(c).put("refusal", refusal);
                out.add(chunk(c, true));
            }
            int call = 0;
            for (JsonNode toolCall : message.path("tool_calls")) {
                ObjectNode c = chunkOf(root, index);
                ObjectNode t = delta(c).putArray("tool_calls").addObject().put("index", call++);
                t.put("id", toolCall.path("id").asString("")).put("type", toolCall.path("type").asString("function"));
                t.putObject("function").put("name", toolCall.path("function").path("name").asString(""))
                        .put("arguments", toolCall.path("function").path("arguments").asString(""));
                out.add(chunk(c, true));
            }
            ObjectNode last = chunkOf(root, index);
            if (choice.hasNonNull("finish_reason")) {
                choice(last).set("finish_reason", choice.get("finish_reason"));
            }
            out.add(chunk(last, false));
        }
        out.add(usageChunk(root, usage));
        return out;
    }

    /** The chunks of a stream as one {@code chat.completion}; the usage chunk's usage, else {@code usage}. */
    byte[] completion(List<Chunk> chunks, Usage usage) {
        ObjectNode out = json.createObjectNode();
        Map<Integer, Choice> choices = new TreeMap<>();
        JsonNode usageNode = null;
        for (Chunk chunk : chunks) {
            JsonNode root = json.readTree(chunk.json());
            if (!out.has("id")) {
                for (String field : List.of("id", "created", "model", "system_fingerprint", "service_tier")) {
                    if (root.has(field) && !root.get(field).isNull()) {
                        out.set(field, root.get(field));
                    }
                }
            }
            if (root.path("usage").isObject()) {
                usageNode = root.get("usage");
            }
            for (JsonNode c : root.path("choices")) {
                choices.computeIfAbsent(c.path("index").asInt(0), i -> new Choice()).add(c);
            }
        }
        out.put("object", "chat.completion");
        ArrayNode list = out.putArray("choices");
        choices.forEach((index, choice) -> choice.write(list.addObject().put("index", index), json));
        out.set("usage", usageNode != null ? usageNode : usageJson(usage));
        return json.writeValueAsBytes(out);
    }

    /** The extra last chunk of a stream that carries only usage, as OpenAI sends it when asked to. */
    Chunk usageChunk(JsonNode like, Usage usage) {
        ObjectNode chunk = header(like);
        chunk.putArray("choices");
        chunk.set("usage", like.path("usage").isObject() ? like.get("usage") : usageJson(usage));
        return new Chunk(json.writeValueAsBytes(chunk), true, false);
    }

    /** OpenAI's usage object for {@code usage}. */
    ObjectNode usageJson(Usage usage) {
        ObjectNode u = json.createObjectNode();
        u.put("prompt_tokens", usage.inputTokens()).put("completion_tokens", usage.outputTokens()).put("total_tokens", usage.totalTokens());
        u.putObject("prompt_tokens_details").put("cached_tokens", usage.cachedTokens());
        u.putObject("completion_tokens_details").put("reasoning_tokens", usage.reasoningTokens());
        return u;
    }

    private ObjectNode header(JsonNode like) {
        ObjectNode chunk = json.createObjectNode();
        chunk.put("id", like.path("id").asString("chatcmpl-cached")).put("object", "chat.completion.chunk")
                .put("created", like.path("created").asLong(0)).put("model", like.path("model").asString(""));
        if (like.hasNonNull("system_fingerprint")) {
            chunk.set("system_fingerprint", like.get("system_fingerprint"));
        }
        return chunk;
    }

    /** A chunk with one choice of {@code index}: an empty delta, no logprobs, no finish reason yet. */
    private ObjectNode chunkOf(JsonNode like, int index) {
        ObjectNode chunk = header(like);
        ObjectNode choice = chunk.putArray("choices").addObject().put("index", index);
        choice.putObject("delta");
        choice.putNull("logprobs");
        choice.putNull("finish_reason");
        return chunk;
    }

    private static ObjectNode choice(ObjectNode chunk) {
        return (ObjectNode) chunk.get("choices").get(0);
    }

    private static ObjectNode delta(ObjectNode chunk) {
        return (ObjectNode) choice(chunk).get("delta");
    }

    private Chunk chunk(ObjectNode chunk, boolean hasContent) {
        return new Chunk(json.writeValueAsBytes(chunk), false, hasContent);
    }

    /** One choice being put together from its deltas. */
    private static final class Choice {
        private String role = "assistant";
        private final StringBuilder content = new StringBuilder();
        private final StringBuilder refusal = new StringBuilder();
        private final Map<Integer, ToolCallParts> calls = new TreeMap<>();
        private JsonNode finish;
        private boolean sawContent;

        void add(JsonNode choice) {
            JsonNode d = choice.path("delta");
            role = d.path("role").asString(role);
            if (d.path("content").isString()) {
                content.append(d.get("content").asString());
                sawContent = true;
            }
            refusal.append(d.path("refusal").asString(""));
            for (JsonNode call : d.path("tool_calls")) {
                calls.computeIfAbsent(call.path("index").asInt(calls.size()), i -> new ToolCallParts()).add(call);
            }
            if (choice.hasNonNull("finish_reason")) {
                finish = choice.get("finish_reason");
            }
        }

        void write(ObjectNode into, JsonMapper json) {
            ObjectNode message = into.putObject("message").put("role", role);
            if (content.isEmpty() && (!calls.isEmpty() || !sawContent)) {
                message.putNull("content");
            } else {
                message.put("content", content.toString());
            }
            if (refusal.isEmpty()) {
                message.putNull("refusal");
            } else {
                message.put("refusal", refusal.toString());
            }
            if (!calls.isEmpty()) {
                ArrayNode list = message.putArray("tool_calls");
                calls.values().forEach(c -> c.write(list.addObject()));
            }
            into.putNull("logprobs");
            into.set("finish_reason", finish == null ? json.nullNode() : finish);
        }
    }

    private static final class ToolCallParts {
        private String id = "";
        private String type = "function";
        private String name = "";
        private final StringBuilder arguments = new StringBuilder();

        void add(JsonNode call) {
            if (!call.path("id").asString("").isEmpty()) {
                id = call.get("id").asString();
            }
            type = call.path("type").asString(type);
            JsonNode f = call.path("function");
            if (!f.path("name").asString("").isEmpty()) {
                name = f.get("name").asString();
            }
            arguments.append(f.path("arguments").asString(""));
        }

        void write(ObjectNode into) {
            into.put("id", id).put("type", type).putObject("function").put("name", name).put("arguments", arguments.toString());
        }
    }
}
