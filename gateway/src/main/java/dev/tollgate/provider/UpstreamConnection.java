package dev.tollgate.provider;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One HTTP/1.1 connection to an upstream, used by one call at a time on the caller's thread. Reads are
 * buffered, but a read never waits for more than the socket has already delivered, so an event is handed
 * on as soon as it arrives.
 *
 * <p>Reads are bounded either by a deadline (the whole answer, or its headers, within {@code first_byte}:
 * the socket timeout is set to the time left before each read) or by a fixed socket timeout per read (a
 * streamed body's {@code idle}). {@link #close()} closes the TCP socket itself, from any thread: it
 * unblocks a read in progress and never waits for a TLS close to be written.
 */
final class UpstreamConnection {

    private final Destination destination;
    private final Socket raw;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] buf = new byte[8192];
    private int pos;
    private int limit;
    private boolean bounded;
    private long deadline;
    private boolean received;
    private long idleSince;

    /** {@code raw} is the TCP socket (timeouts, close); {@code socket} is what is read and written: {@code raw}, or TLS over it. */
    UpstreamConnection(Destination destination, Socket raw, Socket socket) throws IOException {
        this.destination = destination;
        this.raw = raw;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    Destination destination() {
        return destination;
    }

    /** Starts an exchange whose reads must all end by {@code deadline} ({@link System#nanoTime()}). */
    void begin(long deadline) {
        this.bounded = true;
        this.deadline = deadline;
        this.received = false;
    }

    /** From now on each read may wait at most {@code timeout}, however long the exchange takes. */
    void readTimeout(Duration timeout) throws IOException {
        bounded = false;
        raw.setSoTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis())));
    }

    /** Whether any byte of an answer arrived since {@link #begin}: after one, the call must not be sent again. */
    boolean receivedAny() {
        return received;
    }

    void write(byte[] request) throws IOException {
        out.write(request);
        out.flush();
    }

    /** A line up to its {@code \n}, without it or a {@code \r} before it; longer than {@code max} is a protocol failure. */
    String readLine(int max, String tooLong) throws IOException {
        StringBuilder line = null;
        while (true) {
            if (pos == limit && fill() < 0) {
                throw new EOFException("the connection closed in the middle of a line");
            }
            int start = pos;
            while (pos < limit && buf[pos] != '\n') {
                pos++;
            }
            int length = (line == null ? 0 : line.length()) + pos - start;
            if (length > max) {
                throw new UpstreamProtocolException(tooLong);
            }
            String part = new String(buf, start, pos - start, StandardCharsets.ISO_8859_1);
            if (pos == limit) {
                line = (line == null ? new StringBuilder() : line).append(part);
                continue;
            }
            pos++;
            String whole = line == null ? part : line.append(part).toString();
            return whole.endsWith("\r") ? whole.substring(0, whole.length() - 1) : whole;
        }
    }

    /** How many bytes were received and not read yet: a read of up to that many returns them without waiting. */
    int buffered() throws IOException {
        if (pos == limit) {
            takeReceived();
        }
        return limit - pos;
    }

    /** Whether {@code lines} whole lines were received, so that reading them does not wait for the network. */
    boolean hasBufferedLines(int lines) throws IOException {
        return bufferedLines(lines) || takeReceived() && bufferedLines(lines);
    }

    /** Whether the next line was received and is blank. */
    boolean hasBufferedBlankLine() throws IOException {
        if (limit - pos < 2) {
            takeReceived();
        }
        return pos < limit && (buf[pos] == '\n' || buf[pos] == '\r' && pos + 1 < limit && buf[pos + 1] == '\n');
    }

    private boolean bufferedLines(int lines) {
        int found = 0;
        for (int i = pos; i < limit && found < lines; i++) {
            if (buf[i] == '\n') {
                found++;
            }
        }
        return found >= lines;
    }

    /** Appends what the socket already received to the buffer, without waiting; whether there was any. */
    private boolean takeReceived() throws IOException {
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
        int n = in.read(buf, limit, Math.min(ready, buf.length - limit));
        if (n <= 0) {
            return false;
        }
        received = true;
        limit += n;
        return true;
    }

    /** Up to {@code len} bytes: what is buffered, else what one read of the socket brings; -1 at its end. */
    int read(byte[] b, int off, int len) throws IOException {
        if (pos == limit) {
            if (len >= buf.length) {
                prepareRead();
                int n = in.read(b, off, len);
                received |= n > 0;
                return n;
            }
            if (fill() < 0) {
                return -1;
            }
        }
        int n = Math.min(len, limit - pos);
        System.arraycopy(buf, pos, b, off, n);
        pos += n;
        return n;
    }

    private int fill() throws IOException {
        prepareRead();
        int n = in.read(buf, 0, buf.length);
        if (n > 0) {
            received = true;
            pos = 0;
            limit = n;
        }
        return n;
    }

    private void prepareRead() throws IOException {
        if (!bounded) {
            return;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new SocketTimeoutException("Read timed out");
        }
        raw.setSoTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(1, (left + 999_999) / 1_000_000)));
    }

    void idleSince(long nanos) {
        idleSince = nanos;
    }

    long idleSince() {
        return idleSince;
    }

    /** Closes the socket; safe from any thread and more than once. */
    void close() {
        try {
            raw.close();
        } catch (IOException e) {
            // Closing a socket that failed already: there is nothing left to release.
        }
    }
}
