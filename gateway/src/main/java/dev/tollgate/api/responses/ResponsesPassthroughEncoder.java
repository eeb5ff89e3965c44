package dev.tollgate.api.responses;

import dev.tollgate.api.openai.OpenAiErrors;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.pipeline.RequestContext;
import dev.tollgate.pipeline.StreamEncoder;
import dev.tollgate.provider.Chunk;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * An upstream's Responses API event stream to a Responses client, each event written as it came (reasoning items,
 * annotations and the upstream's ids intact). The terminal {@code response.completed} (or
 * {@code response.incomplete}) is held back and written once the call is settled, and its response is kept for
 * {@code previous_response_id}; a stream that failed mid-way ends with an {@code error} event in OpenAI's error shape
 * and {@code response.failed} instead, numbered after the last event relayed.
 */
final class ResponsesPassthroughEncoder implements StreamEncoder {

    private final OutputStream out;
    private final RequestContext ctx;
    private final ObjectNode request;
    private final ResponseArchive archive;
    private final OpenAiErrors errors;
    private final JsonMapper json;
    private byte[] terminal;
    private String terminalType;
    private ObjectNode lastResponse;
    private long sequence;

    ResponsesPassthroughEncoder(OutputStream out, RequestContext ctx, ObjectNode request, ResponseArchive archive, OpenAiErrors errors,
                                JsonMapper json) {
        this.out = out;
        this.ctx = ctx;
        this.request = request;
        this.archive = archive;
        this.errors = errors;
        this.json = json;
    }

    @Override
    public void chunk(Chunk chunk) throws IOException {
        String type = chunk.event();
        if (type.equals("response.created") || type.equals("response.in_progress")
                || type.equals("response.completed") || type.equals("response.incomplete")) {
            JsonNode event = json.readTree(chunk.json());
            sequence = Math.max(sequence, event.path("sequence_number").asLong(sequence) + 1);
            if (event.path("response").isObject()) {
                lastResponse = (ObjectNode) event.get("response");
            }
            if (type.equals("response.completed") || type.equals("response.incomplete")) {
                terminal = chunk.json();
                terminalType = type;
                return;
            }
        } else {
            sequence++;
        }
        write(type, chunk.json());
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void end(UsageEvent settled) throws IOException {
        if (terminal != null) {
            write(terminalType, terminal);
        }
        out.flush();
        if (lastResponse != null && terminal != null) {
            archive.keep(ctx, request, lastResponse);
        }
    }

    @Override
    public void failed(GatewayException error) throws IOException {
        ObjectNode event = (ObjectNode) json.readTree(errors.body(error)).get("error");
        event.remove("type");
        ObjectNode errorEvent = json.createObjectNode().put("type", "error").put("sequence_number", sequence++);
        errorEvent.setAll(event);
        write("error", json.writeValueAsBytes(errorEvent));
        if (lastResponse != null) {
            ObjectNode response = lastResponse.deepCopy().put("status", "failed");
            response.putObject("error").put("code", "server_error").put("message", error.getMessage());
            ObjectNode failed = json.createObjectNode().put("type", "response.failed").put("sequence_number", sequence++);
            failed.set("response", response);
            write("response.failed", json.writeValueAsBytes(failed));
        }
        out.flush();
    }

    private void write(String name, byte[] data) throws IOException {
        out.write(("event: " + name + "\ndata: ").getBytes(StandardCharsets.US_ASCII));
        out.write(data);
        out.write('\n');
        out.write('\n');
    }
}
