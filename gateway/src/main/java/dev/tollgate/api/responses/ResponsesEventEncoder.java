package dev.tollgate.api.responses;

import dev.tollgate.api.openai.OpenAiErrors;
import dev.tollgate.model.Usage;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.pipeline.RequestContext;
import dev.tollgate.pipeline.StreamEncoder;
import dev.tollgate.provider.Chunk;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A streamed answer (OpenAI chunks inside the gateway) as the Responses API's events, each with its
 * {@code sequence_number}: {@code response.created} and {@code response.in_progress}; per text run an
 * assistant message ({@code response.output_item.added}, {@code response.content_part.added},
 * {@code response.output_text.delta}s, {@code response.output_text.done}, {@code response.content_part.done},
 * {@code response.output_item.done}); per tool call a {@code function_call} item
 * ({@code response.output_item.added}, {@code response.function_call_arguments.delta}s and
 * {@code .done}, {@code response.output_item.done}); then {@code response.completed} with the usage. A
 * stream that failed mid-way ends with an {@code error} event in OpenAI's error shape and
 * {@code response.failed} instead.
 */
final class ResponsesEventEncoder implements StreamEncoder {

    /** The call being streamed: its context, the client's request, the response being built, its usage so far. */
    record Call(RequestContext ctx, ObjectNode request, ObjectNode response, Supplier<Usage> usageSoFar) {
    }

    private final OutputStream out;
    private final Call call;
    private final ResponseObjects objects;
    private final ResponseArchive archive;
    private final OpenAiErrors errors;
    private final JsonMapper json;
    private final ArrayNode output;
    private final String itemPrefix;
    private int sequence;
    private boolean started;
    private String finishReason;
    /** The open item: its output index (-1 none), the tool index it carries (-1 for text), and what it holds so far. */
    private int open = -1;
    private int openTool = -1;
    private ObjectNode openItem;
    private final StringBuilder openText = new StringBuilder();

    ResponsesEventEncoder(OutputStream out, Call call, ResponseObjects objects, ResponseArchive archive, OpenAiErrors errors, JsonMapper json) {
        this.out = out;
        this.call = call;
        this.objects = objects;
        this.archive = archive;
        this.errors = errors;
        this.json = json;
        this.output = (ArrayNode) call.response().get("output");
        this.itemPrefix = ResponsesDialect.itemId(call.response());
    }

    @Override
    public void chunk(Chunk chunk) throws IOException {
        JsonNode root = json.readTree(chunk.json());
        if (root.path("model").isString() && !root.get("model").asString().isEmpty()) {
            call.response().put("model", root.get("model").asString());
        }
        start();
        for (JsonNode choice : root.path("choices")) {
            JsonNode delta = choice.path("delta");
            String text = delta.path("content").asString("") + delta.path("refusal").asString("");
            if (!text.isEmpty()) {
                text(text);
            }
            for (JsonNode toolCall : delta.path("tool_calls")) {
                toolCall(toolCall);
            }
            if (choice.hasNonNull("finish_reason")) {
                finishReason = choice.get("finish_reason").asString();
            }
        }
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void end(UsageEvent settled) throws IOException {
        start();
        closeItem();
        if (output.isEmpty()) {
            output.add(objects.message("msg_" + itemPrefix + "_0", "", "completed"));
        }
        // The stream's own usage: the settled one, except for a cache hit, which replays the stored answer's usage.
        objects.finish(call.response(), finishReason, call.usageSoFar().get(), Instant.now().getEpochSecond());
        String type = call.response().get("status").asString().equals("incomplete") ? "response.incomplete" : "response.completed";
        write(event(type).set("response", call.response()));
        out.flush();
        archive.keep(call.ctx(), call.request(), call.response());
    }

    @Override
    public void failed(GatewayException error) throws IOException {
        ObjectNode event = (ObjectNode) json.readTree(errors.body(error)).get("error");
        event.remove("type");
        ObjectNode errorEvent = event("error");
        errorEvent.setAll(event);
        write(errorEvent);
        if (openItem != null) {
            // What was delivered of the item the stream broke in, as the deltas sent it.
            if (openTool < 0) {
                ((ArrayNode) openItem.get("content")).add(objects.outputText(openText.toString()));
            } else {
                openItem.put("arguments", openText.toString());
            }
            openItem.put("status", "incomplete");
            output.add(openItem);
        }
        ObjectNode response = call.response().put("status", "failed");
        response.putObject("error").put("code", "server_error").put("message", error.getMessage());
        ResponseObjects.usage(response.putObject("usage"), call.usageSoFar().get());
        write(event("response.failed").set("response", response));
        out.flush();
    }

    private void start() throws IOException {
        if (started) {
            return;
        }
        started = true;
        write(event("response.created").set("response", call.response()));
        write(event("response.in_progress").set("response", call.response()));
    }

    private void text(String text) throws IOException {
        if (open < 0 || openTool >= 0) {
            openItem(objects.message(nextItemId("msg_"), null, "in_progress"), -1);
            ObjectNode part = itemEvent("response.content_part.added").put("content_index", 0);
            part.set("part", objects.outputText(""));
            write(part);
        }
        openText.append(text);
        ObjectNode delta = itemEvent("response.output_text.delta").put("content_index", 0).put("delta", text);
        delta.putArray("logprobs");
        write(delta);
    }

    private void toolCall(JsonNode toolCall) throws IOException {
        int index = toolCall.path("index").asInt(0);
        String callId = toolCall.path("id").asString("");
        JsonNode function = toolCall.path("function");
        if (open < 0 || openTool != index || !callId.isEmpty() && !callId.equals(openItem.path("call_id").asString(""))) {
            openItem(objects.functionCall(nextItemId("fc_"), callId, function.path("name").asString(""), "", "in_progress"), index);
        }
        String piece = function.path("arguments").asString("");
        if (!piece.isEmpty()) {
            openText.append(piece);
            write(itemEvent("response.function_call_arguments.delta").put("delta", piece));
        }
    }

    private String nextItemId(String kind) {
        return kind + itemPrefix + "_" + output.size();
    }

    private void openItem(ObjectNode item, int toolIndex) throws IOException {
        closeItem();
        open = output.size();
        openTool = toolIndex;
        openItem = item;
        openText.setLength(0);
        ObjectNode added = event("response.output_item.added").put("output_index", open);
        added.set("item", item.deepCopy());
        write(added);
    }

    private void closeItem() throws IOException {
        if (openItem == null) {
            return;
        }
        String done = openText.toString();
        if (openTool < 0) {
            write(itemEvent("response.output_text.done").put("content_index", 0).put("text", done).set("logprobs", json.createArrayNode()));
            ObjectNode part = itemEvent("response.content_part.done").put("content_index", 0);
            part.set("part", objects.outputText(done));
            write(part);
            ((ArrayNode) openItem.get("content")).add(objects.outputText(done));
        } else {
            openItem.put("arguments", done);
            write(itemEvent("response.function_call_arguments.done").put("name", openItem.path("name").asString("")).put("arguments", done));
        }
        openItem.put("status", "completed");
        ObjectNode itemDone = event("response.output_item.done").put("output_index", open);
        itemDone.set("item", openItem);
        write(itemDone);
        output.add(openItem);
        open = -1;
        openTool = -1;
        openItem = null;
    }

    private ObjectNode itemEvent(String type) {
        return event(type).put("item_id", openItem.get("id").asString()).put("output_index", open);
    }

    private ObjectNode event(String type) {
        return json.createObjectNode().put("type", type).put("sequence_number", sequence++);
    }

    private void write(ObjectNode event) throws IOException {
        out.write(("event: " + event.get("type").asString() + "\ndata: ").getBytes(StandardCharsets.US_ASCII));
        out.write(json.writeValueAsBytes(event));
        out.write('\n');
        out.write('\n');
    }
}
