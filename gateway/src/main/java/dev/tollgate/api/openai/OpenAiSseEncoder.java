package dev.tollgate.api.openai;

import dev.tollgate.model.UsageEvent;
import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.pipeline.StreamEncoder;
import dev.tollgate.provider.Chunk;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A streamed answer as OpenAI's server-sent events: each chunk as {@code data: {json}}, the usage-only
 * chunk only when the client asked for it ({@code stream_options.include_usage}), {@code data: [DONE]}
 * at the end, and an error event ({@code data: {"error":…}}) instead when the upstream failed mid-way.
 */
final class OpenAiSseEncoder implements StreamEncoder {

    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END_OF_EVENT = "\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

    private final OutputStream out;
    private final boolean clientWantsUsage;
    private final OpenAiErrors errors;

    OpenAiSseEncoder(OutputStream out, boolean clientWantsUsage, OpenAiErrors errors) {
        this.out = out;
        this.clientWantsUsage = clientWantsUsage;
        this.errors = errors;
    }

    @Override
    public boolean relaysUsageChunks() {
        return clientWantsUsage;
    }

    @Override
    public void chunk(Chunk chunk) throws IOException {
        out.write(DATA);
        out.write(chunk.json());
        out.write(END_OF_EVENT);
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void end(UsageEvent settled) throws IOException {
        out.write(DONE);
        out.flush();
    }

    @Override
    public void failed(GatewayException error) throws IOException {
        out.write(DATA);
        out.write(errors.body(error));
        out.write(END_OF_EVENT);
        out.flush();
    }
}
