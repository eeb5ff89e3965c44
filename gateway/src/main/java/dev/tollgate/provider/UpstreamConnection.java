package dev.tollgate.provider;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One HTTP/1.1 connection to an upstream, used by one call at a time on the caller's thread. Reads are
 * buffered, but a read never waits for more than the socket has already delivered, so an event is handed
 * on as soon as it arrives.
 *
 * <p>Reads are bounded either by a deadline (the whole answer, or its headers, within {@code first_byte}:
 * the socket timeout is set to the time left before each read) or by a fixed socket timeout per read (a
 * streamed body's {@code idle}). {@link #close()} closes the TCP socket itself, from any thread: it
 * unblocks a read or write in progress and never waits for a TLS close to be written.
 *
 * <p>A socket write cannot time out: it blocks while the kernel's buffers are full, for ever if the
 * upstream accepted the connection and stopped reading. A request of at most {@link #UNGUARDED_WRITE_BYTES}
 * is written as it is, since it fits in the socket buffers of any default TCP stack without the peer
 * reading a byte; a larger one is written under a watchdog (a virtual thread, stopped when the write
 * ends) that closes the connection when the exchange's deadline passes first, and the write then fails
 * as a {@link SocketTimeoutException}, like a read past the deadline.
 */
final class UpstreamConnection {

    /**
     * Requests this small are written without a watchdog: Linux starts a connection with a 16 KB send
     * buffer and a peer's receive window of at least 64 KB, other systems with more, so the write returns
     * at once whether or not the upstream reads. Typical chat requests are smaller and pay nothing.
     */
    private static final int UNGUARDED_WRITE_BYTES = 64 * 1024;

    private final Destination destination;
    private final Socket raw;
    private final InputStream in;
    private final OutputStream out;
    /** Holds an answer's head (OpenAI's is ~1 KB) and small body reads; reads of a buffer or more bypass it. Every open stream keeps one. */
    private final byte[] buf = new byte[4096];
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

    /** Writes {@code request} whole, by the exchange's deadline when it is too large to be buffered surely. */
    void write(byte[] request) throws IOException {
        if (request.length <= UNGUARDED_WRITE_BYTES) {
            out.write(request);
            out.flush();
            return;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new SocketTimeoutException("Write timed out");
        }
        AtomicBoolean settled = new AtomicBoolean();
        Thread watchdog = Thread.ofVirtual().name("upstream-write-watchdog").start(() -> {
            try {
                Thread.sleep(Duration.ofNanos(left));
            } catch (InterruptedException e) {
                return; // the write ended first
            }
            if (settled.compareAndSet(false, true)) {
                close();
            }
        });
        try {
            out.write(request);
            out.flush();
        } catch (IOException e) {
            throw settled.compareAndSet(false, true) ? e : writeTimedOut(e);
        } finally {
            watchdog.interrupt();
        }
        if (!settled.compareAndSet(false, true)) {
            throw writeTimedOut(null);
        }
    }

    /** The watchdog closed the connection: whatever the write saw, the deadline passed. */
    private static SocketTimeoutException writeTimedOut(IOException cause) {
        SocketTimeoutException e = new SocketTimeoutException("Write timed out");
        e.initCause(cause);
        return e;
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
