package dev.tollgate.provider;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the {@code data} of server-sent events from an upstream's streamed body, for every stream
 * decoder: the lines of one event joined with {@code \n}; {@code event:}, {@code id:}, {@code retry:} and
 * comment lines skipped (each provider's data repeats what they say). Tells a stream cut in the middle of
 * an event ({@code BROKEN}) from one that sent a malformed event ({@code PROTOCOL}).
 */
public final class SseEventReader {

    private final InputStream in;
    private final Runnable abort;
    private final SseLineReader lines;
    private final JsonMapper json;
    /** The last event read ended at the end of the stream, without its blank line: it may be cut. */
    private boolean lastEventUnterminated;

    public SseEventReader(InputStream in, Runnable abort, JsonMapper json) {
        this.in = in;
        this.abort = abort;
        this.lines = new SseLineReader(in);
        this.json = json;
    }

    /** The data of the next event; {@code null} at the end of the stream. */
    public byte[] next() {
        byte[] data = null;
        try {
            while (true) {
                byte[] line = lines.readLine();
                if (line == null) {
                    lastEventUnterminated = data != null;
                    return data;
                }
                if (line.length == 0) {
                    if (data != null) {
                        return data;
                    }
                    continue;
                }
                if (isData(line)) {
                    int from = line.length > 5 && line[5] == ' ' ? 6 : 5;
                    byte[] payload = Arrays.copyOfRange(line, from, line.length);
                    data = data == null ? payload : join(data, payload);
                }
            }
        } catch (IOException e) {
            throw TransportFailure.midStream(e);
        }
    }

    /** An event's data as a JSON object, or why it is not one. */
    public JsonNode object(byte[] data) {
        JsonNode node;
        try {
            node = json.readTree(data);
        } catch (JacksonException e) {
            // An unreadable event at the very end of the stream was cut off there, not sent malformed.
            throw lastEventUnterminated
                    ? UpstreamException.of(UpstreamException.Kind.BROKEN, "upstream stream was cut in the middle of an event")
                    : UpstreamException.of(UpstreamException.Kind.PROTOCOL, "upstream sent a malformed stream event");
        }
        if (!node.isObject()) {
            throw UpstreamException.of(UpstreamException.Kind.PROTOCOL, "upstream sent a stream event that is not a JSON object");
        }
        return node;
    }

    /**
     * Whether a whole event has already arrived, so reading it does not wait for the network. A failure
     * looking is left for {@link #next()} to report, the one place a broken stream is told apart.
     */
    public boolean hasBufferedEvent() {
        try {
            return lines.hasBufferedEvent();
        } catch (IOException e) {
            return false;
        }
    }

    /** Ends the stream: one not read to its end is aborted, its connection dropped. */
    public void close(boolean readToEnd) {
        if (!readToEnd) {
            abort.run();
        }
        try {
            if (readToEnd) {
                skipReceived();
            }
            in.close();
        } catch (IOException e) {
            // The connection is being dropped anyway; nothing is lost by not closing it cleanly.
            abort.run();
        }
    }

    /**
     * Reads past what already arrived after the stream's last event (the body's own end, on the wire), so
     * a body that is complete hands its connection to the next call instead of being dropped with it.
     */
    private void skipReceived() throws IOException {
        byte[] skipped = new byte[256];
        while (in.available() > 0 && in.read(skipped) > 0) {
            // nothing after the last event is wanted
        }
    }

    private static boolean isData(byte[] line) {
        return line.length >= 5 && line[0] == 'd' && line[1] == 'a' && line[2] == 't' && line[3] == 'a' && line[4] == ':';
    }

    private static byte[] join(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + 1 + b.length);
        out[a.length] = '\n';
        System.arraycopy(b, 0, out, a.length + 1, b.length);
        return out;
    }
}
