package dev.tollgate.api.anthropic;

import dev.tollgate.model.Usage;
import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.pipeline.Pipeline;
import dev.tollgate.pipeline.RequestContext;
import dev.tollgate.provider.Chunk;
import dev.tollgate.provider.ChunkStream;
import dev.tollgate.provider.ProviderResponse;
import dev.tollgate.provider.UpstreamException;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Relays a streamed answer (OpenAI chunks inside the gateway) to an Anthropic client as Anthropic's
 * events: {@code message_start}; per text run or tool call a {@code content_block_start}, its
 * {@code text_delta} or {@code input_json_delta} deltas and a {@code content_block_stop};
 * {@code message_delta} with the stop reason and the cumulative usage; {@code message_stop}. Each event
 * is flushed as it is written. The call is settled (usage event) before {@code message_delta}, whose
 * usage is the settled one. A stream that fails mid-way ends with an {@code error} event and is billed
 * for what was delivered; a client that goes away aborts the upstream call and is billed the same way.
 */
final class AnthropicStreamWriter {

    private static final Logger LOG = LoggerFactory.getLogger(AnthropicStreamWriter.class);

    private final Pipeline pipeline;
    private final AnthropicErrors errors;
    private final JsonMapper json;

    AnthropicStreamWriter(Pipeline pipeline, AnthropicErrors errors, JsonMapper json) {
        this.pipeline = pipeline;
        this.errors = errors;
        this.json = json;
    }

    void relay(RequestContext ctx, ServerResponse res, ProviderResponse.Streaming streaming, String model) {
        res.status(Status.OK_200);
        res.header(HeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        res.header("x-accel-buffering", "no");
        try (ChunkStream chunks = streaming.chunks(); OutputStream out = res.outputStream()) {
            Events events = new Events(out, chunks, model);
            if (!pump(ctx, chunks, events)) {
                return;
            }
            Usage usage = chunks.usage();
            pipeline.finish(ctx, Pipeline.Outcome.ok(usage));
            events.finish(usage);
        } catch (IOException | UncheckedIOException e) {
            LOG.debug("stream {} ended while closing: {}", ctx.requestId(), e.toString());
        }
    }

    /** Relays every chunk; returns false when the call ended early (and was settled here). */
    private boolean pump(RequestContext ctx, ChunkStream chunks, Events events) {
        while (true) {
            Chunk chunk;
            try {
                chunk = chunks.next();
            } catch (UpstreamException e) {
                streamFailed(ctx, chunks.usage(), events, e);
                return false;
            }
            if (chunk == null) {
                return true;
            }
            if (chunk.usageOnly()) {
                continue;
            }
            if (chunk.hasContent()) {
                pipeline.firstToken(ctx);
            }
            try {
                events.chunk(chunk);
            } catch (RuntimeException e) {
                LOG.debug("client of stream {} went away: {}", ctx.requestId(), e.toString());
                pipeline.finish(ctx, new Pipeline.Outcome(499, chunks.usage(), "client_closed_request"));
                return false;
            }
        }
    }

    private void streamFailed(RequestContext ctx, Usage delivered, Events events, UpstreamException e) {
        LOG.warn("upstream stream of request {} failed mid-way: {}", ctx.requestId(), e.getMessage());
        GatewayException error = new GatewayException(502, "api_error", "upstream_stream_failed", null,
                e.getMessage() + " (the answer above is incomplete)", Map.of());
        pipeline.finish(ctx, new Pipeline.Outcome(200, delivered, error.code()));
        try {
            events.write("error", errors.body(error));
        } catch (UncheckedIOException ignored) {
            LOG.debug("client of stream {} went away before the error event", ctx.requestId());
        }
    }

    /** The Anthropic event sequence being written: which content block is open, what the stop reason is. */
    private final class Events {

        private final OutputStream out;
        private final ChunkStream chunks;
        private final String model;
        private boolean started;
        private int blocks;
        /** The open block: -1 none, else its index; {@code openTool} is the OpenAI tool index it carries, or -1 for text. */
        private int open = -1;
        private int openTool = -1;
        private String openToolId = "";
        private String stopReason = "end_turn";

        Events(OutputStream out, ChunkStream chunks, String model) {
            this.out = out;
            this.chunks = chunks;
            this.model = model;
        }

        void chunk(Chunk chunk) {
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
            if (!chunks.nextIsReady()) {
                flush();
            }
        }

        private void start(JsonNode first) {
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
            AnthropicResponseWriter.usage(message.putObject("usage"), chunks.usage());
            write("message_start", event);
        }

        private void text(String text) {
            if (open < 0 || openTool >= 0) {
                ObjectNode block = json.createObjectNode().put("type", "text").put("text", "");
                openBlock(block, -1);
            }
            ObjectNode event = blockEvent("content_block_delta");
            event.putObject("delta").put("type", "text_delta").put("text", text);
            write("content_block_delta", event);
        }

        private void toolCall(JsonNode call) {
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

        private void openBlock(ObjectNode block, int toolIndex) {
            closeBlock();
            open = blocks++;
            openTool = toolIndex;
            ObjectNode event = blockEvent("content_block_start");
            event.set("content_block", block);
            write("content_block_start", event);
        }

        private void closeBlock() {
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

        /** Ends the message: the open block, the stop reason with the settled usage, {@code message_stop}. */
        void finish(Usage usage) {
            start(json.createObjectNode());
            closeBlock();
            ObjectNode delta = json.createObjectNode().put("type", "message_delta");
            delta.putObject("delta").put("stop_reason", stopReason).putNull("stop_sequence");
            AnthropicResponseWriter.usage(delta.putObject("usage"), usage);
            write("message_delta", delta);
            write("message_stop", json.createObjectNode().put("type", "message_stop"));
            flush();
        }

        private void write(String name, ObjectNode event) {
            write(name, json.writeValueAsBytes(event));
        }

        void write(String name, byte[] data) {
            try {
                out.write(("event: " + name + "\ndata: ").getBytes(StandardCharsets.US_ASCII));
                out.write(data);
                out.write('\n');
                out.write('\n');
                if ("error".equals(name)) {
                    out.flush();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private void flush() {
            try {
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
