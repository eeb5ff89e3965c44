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

    /** Whether a whole line is already buffered, so {@link #readLine()} returns without reading. */
    public boolean hasBufferedLine() {
        for (int i = pos; i < limit; i++) {
            if (buf[i] == '\n' || buf[i] == '\r') {
                return true;
            }
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
