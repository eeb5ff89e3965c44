package dev.tollgate.policy.cache;

import dev.tollgate.provider.Chunk;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A stored Anthropic answer (an Anthropic upstream's own message or events, passed through to a client of
 * Anthropic's dialect) in the other form: a {@code message} as the events of a stream, and a stream's events as
 * one {@code message}, as Anthropic's SDKs accumulate them. Text, tool use, thinking with its signature, citations
 * and blocks of kinds not known here (carried whole) survive; the stream never includes {@code message_stop},
 * which the dialect's encoder writes once the call is settled.
 */
final class AnthropicReplay {

    private final JsonMapper json;

    AnthropicReplay(JsonMapper json) {
        this.json = json;
    }

    /** A {@code message} as events: {@code message_start}, each block's start, deltas and stop, {@code message_delta}. */
    List<Chunk> events(byte[] message) {
        JsonNode root = json.readTree(message);
        List<Chunk> out = new ArrayList<>();
        ObjectNode start = json.createObjectNode().put("type", "message_start");
        ObjectNode m = start.putObject("message");
        for (String field : List.of("id", "type", "role", "model")) {
            m.set(field, root.path(field).isMissingNode() ? json.nullNode() : root.get(field));
        }
        m.putArray("content");
        m.putNull("stop_reason").putNull("stop_sequence");
        ObjectNode usage = root.path("usage").isObject() ? ((ObjectNode) root.get("usage")).deepCopy() : json.createObjectNode();
        usage.put("output_tokens", 0);
        m.set("usage", usage);
        out.add(event("message_start", start, false));
        int index = 0;
        for (JsonNode block : root.path("content")) {
            block(index++, block, out);
        }
        ObjectNode delta = json.createObjectNode().put("type", "message_delta");
        delta.putObject("delta").set("stop_reason", root.path("stop_reason").isMissingNode() ? json.nullNode() : root.get("stop_reason"));
        ((ObjectNode) delta.get("delta")).set("stop_sequence", root.path("stop_sequence").isMissingNode() ? json.nullNode() : root.get("stop_sequence"));
        delta.set("usage", root.path("usage").isObject() ? root.get("usage") : json.createObjectNode());
        out.add(event("message_delta", delta, false));
        return out;
    }

    private void block(int index, JsonNode block, List<Chunk> out) {
        String type = block.path("type").asString("");
        ObjectNode opened = ((ObjectNode) block).deepCopy();
        List<ObjectNode> deltas = new ArrayList<>();
        switch (type) {
            case "text" -> {
                opened.put("text", "");
                if (block.has("citations")) {
                    opened.putArray("citations");
                    for (JsonNode citation : block.path("citations")) {
                        deltas.add(delta("citations_delta").set("citation", citation));
                    }
                }
                deltas.add(0, delta("text_delta").put("text", block.path("text").asString("")));
            }
            case "tool_use", "server_tool_use" -> {
                opened.putObject("input");
                deltas.add(delta("input_json_delta").put("partial_json", json.writeValueAsString(block.path("input"))));
            }
            case "thinking" -> {
                opened.put("thinking", "").put("signature", "");
                deltas.add(delta("thinking_delta").put("thinking", block.path("thinking").asString("")));
                deltas.add(delta("signature_delta").put("signature", block.path("signature").asString("")));
            }
            default -> {
                // carried whole in its start event (redacted thinking, tool results, later kinds)
            }
        }
        ObjectNode start = json.createObjectNode().put("type", "content_block_start").put("index", index);
        start.set("content_block", opened);
        out.add(event("content_block_start", start, false));
        for (ObjectNode d : deltas) {
            ObjectNode event = json.createObjectNode().put("type", "content_block_delta").put("index", index);
            event.set("delta", d);
            out.add(event("content_block_delta", event, true));
        }
        out.add(event("content_block_stop", json.createObjectNode().put("type", "content_block_stop").put("index", index), false));
    }

    /** A stream's events as one {@code message}: the start's message, its blocks with their deltas applied, the final delta. */
    byte[] message(List<Chunk> events) {
        ObjectNode message = json.createObjectNode();
        Map<Integer, Block> blocks = new TreeMap<>();
        for (Chunk chunk : events) {
            JsonNode e = json.readTree(chunk.json());
            switch (e.path("type").asString("")) {
                case "message_start" -> message = e.path("message").isObject() ? ((ObjectNode) e.get("message")).deepCopy() : message;
                case "content_block_start" -> blocks.put(e.path("index").asInt(blocks.size()),
                        new Block(e.path("content_block").isObject() ? ((ObjectNode) e.get("content_block")).deepCopy() : json.createObjectNode()));
                case "content_block_delta" -> {
                    Block b = blocks.get(e.path("index").asInt(-1));
                    if (b != null) {
                        b.apply(e.path("delta"));
                    }
                }
                case "message_delta" -> delta(message, e);
                default -> {
                    // content_block_stop, ping
                }
            }
        }
        ArrayNode content = message.putArray("content");
        blocks.values().forEach(b -> content.add(b.done(json)));
        return json.writeValueAsBytes(message);
    }

    private static void delta(ObjectNode message, JsonNode e) {
        JsonNode d = e.path("delta");
        for (String field : List.of("stop_reason", "stop_sequence")) {
            if (d.has(field)) {
                message.set(field, d.get(field));
            }
        }
        if (e.path("usage").isObject()) {
            ObjectNode usage = message.path("usage").isObject() ? (ObjectNode) message.get("usage") : message.putObject("usage");
            for (String field : e.get("usage").propertyNames()) {
                if (!e.get("usage").get(field).isNull()) {
                    usage.set(field, e.get("usage").get(field));
                }
            }
        }
    }

    private ObjectNode delta(String type) {
        return json.createObjectNode().put("type", type);
    }

    private Chunk event(String name, ObjectNode event, boolean hasContent) {
        return new Chunk(json.writeValueAsBytes(event), false, hasContent, name);
    }

    /** One content block being put together from its start and deltas. */
    private static final class Block {
        private final ObjectNode block;
        private final StringBuilder partialJson = new StringBuilder();

        Block(ObjectNode block) {
            this.block = block;
        }

        void apply(JsonNode d) {
            switch (d.path("type").asString("")) {
                case "text_delta" -> block.put("text", block.path("text").asString("") + d.path("text").asString(""));
                case "thinking_delta" -> block.put("thinking", block.path("thinking").asString("") + d.path("thinking").asString(""));
                case "signature_delta" -> block.put("signature", d.path("signature").asString(""));
                case "input_json_delta" -> partialJson.append(d.path("partial_json").asString(""));
                case "citations_delta" -> (block.path("citations").isArray() ? (ArrayNode) block.get("citations")
                        : block.putArray("citations")).add(d.path("citation"));
                default -> {
                    // a delta of a later API version: nothing to add up here
                }
            }
        }

        ObjectNode done(JsonMapper json) {
            if (!partialJson.isEmpty()) {
                try {
                    block.set("input", json.readTree(partialJson.toString()));
                } catch (JacksonException e) {
                    block.put("input_json", partialJson.toString());
                }
            }
            return block;
        }
    }
}
