package dev.tollgate.provider;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads server-sent-event lines as bytes, returning each as soon as its terminator arrived, so nothing
 * waits for a buffer to fill. Accepts {@code \n}, {@code \r\n} and {@code \r} line ends.
 */
public final class SseLineReader {

    static final int MAX_LINE_BYTES = 16 * 1024 * 1024;

    private final InputStream in;
    /**
     * Small: one is held by every open stream (10,000 streams × 16 KB was 160 MB), the upstream connection below
     * buffers the socket already, and a longer line grows its own array.
     */
    private final byte[] buf = new byte[2 * 1024];
    private int pos;
    private int limit;
    private boolean skipLf;

    public SseLineReader(InputStream in) {
        this.in = in;
    }

    /**
     * Whether a whole event is already buffered: a line with something on it, then a blank line, so that
     * reading the event does not wait for the network. A whole line alone is not enough (the rest of its
     * event may still be on its way), nor is the {@code \n} left of a {@code \r\n} that ended the last event.
     */
    public boolean hasBufferedEvent() throws IOException {
        while (!eventInBuffer()) {
            if (!fillFromAvailable()) {
                return false;
            }
        }
        return true;
    }

    private boolean eventInBuffer() {
        int i = skipLf && pos < limit && buf[pos] == '\n' ? pos + 1 : pos;
        int lineStart = i;
        boolean content = false;
        while (i < limit) {
            byte b = buf[i++];
            if (b != '\n' && b != '\r') {
                continue;
            }
            if (i - 1 > lineStart) {
                content = true;
            } else if (content) {
                return true;
            }
            if (b == '\r' && i < limit && buf[i] == '\n') {
                i++;
            }
            lineStart = i;
        }
        return false;
    }

    /** The next line without its terminator, or {@code null} at the end of the stream. */
    public byte[] readLine() throws IOException {
        byte[] line = null;
        int lineLen = 0;
        while (true) {
            if (pos == limit && !fill()) {
                return line == null ? null : Arrays.copyOf(line, lineLen);
            }
            if (skipLf) {
                skipLf = false;
                if (buf[pos] == '\n') {
                    pos++;
                    continue;
                }
            }
            int start = pos;
            while (pos < limit && buf[pos] != '\n' && buf[pos] != '\r') {
                pos++;
            }
            int n = pos - start;
            if (lineLen + n > MAX_LINE_BYTES) {
                throw new IOException("an event line is longer than " + MAX_LINE_BYTES + " bytes");
            }
            if (n > 0) {
                if (line == null || lineLen + n > line.length) {
                    line = line == null ? new byte[Math.max(n, 256)] : Arrays.copyOf(line, Math.max(line.length * 2, lineLen + n));
                }
                System.arraycopy(buf, start, line, lineLen, n);
                lineLen += n;
            }
            if (pos < limit) {
                skipLf = buf[pos] == '\r';
                pos++;
                return line == null ? new byte[0] : Arrays.copyOf(line, lineLen);
            }
        }
    }

    /** Appends what the stream hands out without waiting for the network; false when that is nothing (or the buffer is full). */
    private boolean fillFromAvailable() throws IOException {
        int ready = in.available();
        if (ready <= 0) {
            return false;
        }
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, limit - pos);
            limit -= pos;
            pos = 0;
        }
        if (limit == buf.length) {
            return false;
        }
        int read = in.read(buf, limit, Math.min(ready, buf.length - limit));
        if (read <= 0) {
            return false;
        }
        limit += read;
        return true;
    }

    private boolean fill() throws IOException {
        int read = in.read(buf, 0, buf.length);
        if (read <= 0) {
            return false;
        }
        pos = 0;
        limit = read;
        return true;
    }
}
