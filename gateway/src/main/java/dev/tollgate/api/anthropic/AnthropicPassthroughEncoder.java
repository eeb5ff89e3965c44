package dev.tollgate.api.anthropic;

import dev.tollgate.model.UsageEvent;
import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.pipeline.StreamEncoder;
import dev.tollgate.provider.Chunk;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * An Anthropic upstream's stream to a client of Anthropic's dialect: each event written as it came
 * ({@code event: <name>}, its data untouched), so thinking blocks, signatures, citations and the matched
 * {@code stop_sequence} reach the client. The upstream's {@code message_stop} is written last, once the
 * call is settled; a stream that failed mid-way ends with an {@code error} event instead.
 */
final class AnthropicPassthroughEncoder implements StreamEncoder {

    private static final byte[] MESSAGE_STOP = "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n".getBytes(StandardCharsets.US_ASCII);

    private final OutputStream out;
    private final AnthropicErrors errors;

    AnthropicPassthroughEncoder(OutputStream out, AnthropicErrors errors) {
        this.out = out;
        this.errors = errors;
    }

    @Override
    public void chunk(Chunk chunk) throws IOException {
        write(chunk.event(), chunk.json());
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void end(UsageEvent settled) throws IOException {
        out.write(MESSAGE_STOP);
        out.flush();
    }

    @Override
    public void failed(GatewayException error) throws IOException {
        write("error", errors.body(error));
        out.flush();
    }

    private void write(String name, byte[] data) throws IOException {
        out.write(("event: " + name + "\ndata: ").getBytes(StandardCharsets.US_ASCII));
        out.write(data);
        out.write('\n');
        out.write('\n');
    }
}
