package dev.tollgate.api.anthropic;

import dev.tollgate.model.Usage;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.pipeline.StreamEncoder;
import dev.tollgate.provider.Chunk;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A streamed answer (OpenAI chunks inside the gateway) as Anthropic's events: {@code message_start};
 * per text run or tool call a {@code content_block_start}, its {@code text_delta} or
 * {@code input_json_delta} deltas and a {@code content_block_stop}; {@code message_delta} with the stop
 * reason and the settled usage; {@code message_stop}. A stream that failed mid-way ends with an
 * {@code error} event in Anthropic's error shape instead.
 */
final class AnthropicEventEncoder implements StreamEncoder {

    private final OutputStream out;
    private final Supplier<Usage> usageSoFar;
    private final String model;
    private final AnthropicErrors errors;
    private final JsonMapper json;
    private boolean started;
    private int blocks;
    /** The open block: -1 none, else its index; {@code openTool} is the OpenAI tool index it carries, or -1 for text. */
    private int open = -1;
    private int openTool = -1;
    private String openToolId = "";
    private String stopReason = "end_turn";

    /**
     * @param usageSoFar the stream's usage as known now, for {@code message_start} (an estimate of the prompt
     *                   for upstreams that report usage only at the end)
     * @param model      the model named in {@code message_start} when the first chunk names none
     */
    AnthropicEventEncoder(OutputStream out, Supplier<Usage> usageSoFar, String model, AnthropicErrors errors, JsonMapper json) {
        this.out = out;
        this.usageSoFar = usageSoFar;
        this.model = model;
        this.errors = errors;
        this.json = json;
    }

    @Override
    public void chunk(Chunk chunk) throws IOException {
        JsonNode root = json.readTree(chunk.json());
        start(root);
        for (JsonNode choice : root.path("choices")) {
            JsonNode delta = choice.path("delta");
            String text = delta.path("content").asString("") + delta.path("refusal").asString("");
            if (!text.isEmpty()) {
                text(text);
            }
            for (JsonNode call : delta.path("tool_calls")) {
                toolCall(call);
            }
            if (choice.hasNonNull("finish_reason")) {
                stopReason = StopReasons.of(choice.get("finish_reason").asString());
            }
        }
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    /** Ends the message: the open block, the stop reason with the settled usage, {@code message_stop}. */
    @Override
    public void end(UsageEvent settled) throws IOException {
        start(json.createObjectNode());
        closeBlock();
        ObjectNode delta = json.createObjectNode().put("type", "message_delta");
        delta.putObject("delta").put("stop_reason", stopReason).putNull("stop_sequence");
        // The stream's own usage (what the client's SDK adds up); the same as the settled one, except for a cache
        // hit, which replays the stored answer's usage while it is billed nothing.
        AnthropicResponseWriter.usage(delta.putObject("usage"), usageSoFar.get());
        write("message_delta", delta);
        write("message_stop", json.createObjectNode().put("type", "message_stop"));
        out.flush();
    }

    @Override
    public void failed(GatewayException error) throws IOException {
        write("error", errors.body(error));
        out.flush();
    }

    private void start(JsonNode first) throws IOException {
        if (started) {
            return;
        }
        started = true;
        ObjectNode event = json.createObjectNode().put("type", "message_start");
        ObjectNode message = event.putObject("message");
        message.put("id", AnthropicResponseWriter.messageId(first.path("id").asString(""))).put("type", "message")
                .put("role", "assistant").put("model", first.path("model").asString(model));
        message.putArray("content");
        message.putNull("stop_reason").putNull("stop_sequence");
        AnthropicResponseWriter.usage(message.putObject("usage"), usageSoFar.get());
        write("message_start", event);
    }

    private void text(String text) throws IOException {
        if (open < 0 || openTool >= 0) {
            ObjectNode block = json.createObjectNode().put("type", "text").put("text", "");
            openBlock(block, -1);
        }
        ObjectNode event = blockEvent("content_block_delta");
        event.putObject("delta").put("type", "text_delta").put("text", text);
        write("content_block_delta", event);
    }

    private void toolCall(JsonNode call) throws IOException {
        int index = call.path("index").asInt(0);
        String id = call.path("id").asString("");
        JsonNode function = call.path("function");
        // A new call: another index, or (servers that leave out the index) another id.
        if (open < 0 || openTool != index || !id.isEmpty() && !id.equals(openToolId)) {
            ObjectNode block = json.createObjectNode().put("type", "tool_use").put("id", id)
                    .put("name", function.path("name").asString(""));
            block.putObject("input");
            openBlock(block, index);
            openToolId = id;
        }
        String piece = function.path("arguments").asString("");
        if (!piece.isEmpty()) {
            ObjectNode event = blockEvent("content_block_delta");
            event.putObject("delta").put("type", "input_json_delta").put("partial_json", piece);
            write("content_block_delta", event);
        }
    }

    private void openBlock(ObjectNode block, int toolIndex) throws IOException {
        closeBlock();
        open = blocks++;
        openTool = toolIndex;
        ObjectNode event = blockEvent("content_block_start");
        event.set("content_block", block);
        write("content_block_start", event);
    }

    private void closeBlock() throws IOException {
        if (open >= 0) {
            write("content_block_stop", blockEvent("content_block_stop"));
            open = -1;
            openTool = -1;
            openToolId = "";
        }
    }

    private ObjectNode blockEvent(String type) {
        return json.createObjectNode().put("type", type).put("index", open);
    }

    private void write(String name, ObjectNode event) throws IOException {
        write(name, json.writeValueAsBytes(event));
    }

    private void write(String name, byte[] data) throws IOException {
        out.write(("event: " + name + "\ndata: ").getBytes(StandardCharsets.US_ASCII));
        out.write(data);
        out.write('\n');
        out.write('\n');
    }
}
