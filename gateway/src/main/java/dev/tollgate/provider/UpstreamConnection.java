package dev.tollgate.provider;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One HTTP/1.1 connection to an upstream, used by one call at a time on the caller's thread. Reads are
 * buffered, but a read never waits for more than the socket has already delivered, so an event is handed
 * on as soon as it arrives.
 *
 * <p>Reads are bounded either by a deadline (the whole answer, or its headers, within {@code first_byte})
 * or by a time each read may wait (a streamed body's {@code idle}). The socket itself has no timeout: a
 * blocked read announces its deadline, and the {@link DeadlineWatch} closes the socket when it passes,
 * which ends the read as a {@link SocketTimeoutException}. {@link #close()} closes the TCP socket itself,
 * from any thread: it unblocks a read or write in progress and never waits for a TLS close to be written.
 *
 * <p>A socket write blocks while the kernel's buffers are full, for ever if the upstream accepted the
 * connection and stopped reading. A request of at most {@link #UNGUARDED_WRITE_BYTES} is written as it is,
 * since it fits in the socket buffers of any default TCP stack without the peer reading a byte; a larger
 * one is written under the exchange's deadline like a read, and fails as a {@link SocketTimeoutException}
 * when the deadline passes first.
 */
final class UpstreamConnection {

    /**
     * Requests this small are written without a watchdog: Linux starts a connection with a 16 KB send
     * buffer and a peer's receive window of at least 64 KB, other systems with more, so the write returns
     * at once whether or not the upstream reads. Typical chat requests are smaller and pay nothing.
     */
    private static final int UNGUARDED_WRITE_BYTES = 64 * 1024;

    /** {@link #blockedUntil} when no read or write is blocked. */
    private static final long NOT_BLOCKED = Long.MIN_VALUE;
    /** {@link #blockedUntil} once the watch ended a blocked operation past its deadline. */
    private static final long EXPIRED = Long.MIN_VALUE + 1;
    private static final VarHandle BLOCKED_UNTIL;

    static {
        try {
            BLOCKED_UNTIL = MethodHandles.lookup().findVarHandle(UpstreamConnection.class, "blockedUntil", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Destination destination;
    private final DeadlineWatch watch;
    private final Socket raw;
    private final InputStream in;
    private final OutputStream out;
    /** Holds an answer's head (OpenAI's is ~1 KB) and small body reads; reads of a buffer or more bypass it. Every open stream keeps one. */
    private final byte[] buf = new byte[4096];
    private int pos;
    private int limit;
    private boolean bounded;
    private long deadline;
    private long idleNanos;
    private boolean received;
    private long idleSince;
    /** The deadline ({@link System#nanoTime()}) of the read or write blocked now, or {@link #NOT_BLOCKED}, or {@link #EXPIRED}. */
    @SuppressWarnings("unused") // through BLOCKED_UNTIL
    private volatile long blockedUntil = NOT_BLOCKED;

    /** {@code raw} is the TCP socket (timeouts, close); {@code socket} is what is read and written: {@code raw}, or TLS over it. */
    UpstreamConnection(Destination destination, Socket raw, Socket socket) throws IOException {
        this(destination, raw, socket, DeadlineWatch.SHARED);
    }

    UpstreamConnection(Destination destination, Socket raw, Socket socket, DeadlineWatch watch) throws IOException {
        this.destination = destination;
        this.watch = watch;
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
        watch.watch(this);
    }

    /** From now on each read may wait at most {@code timeout}, however long the exchange takes. */
    void readTimeout(Duration timeout) {
        bounded = false;
        idleNanos = Math.max(1, timeout.toNanos());
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
        if (deadline - System.nanoTime() <= 0) {
            throw new SocketTimeoutException("Write timed out");
        }
        block(deadline);
        try {
            out.write(request);
            out.flush();
        } catch (IOException e) {
            unblock(e, "Write timed out");
            throw e;
        }
        unblock(null, "Write timed out");
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
                int n = readSocket(b, off, len);
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
        int n = readSocket(buf, 0, buf.length);
        if (n > 0) {
            received = true;
            pos = 0;
            limit = n;
        }
        return n;
    }

    /** One read of the socket, ended as a timeout when it is still blocked at its deadline. */
    private int readSocket(byte[] b, int off, int len) throws IOException {
        long now = System.nanoTime();
        long until = bounded ? deadline : now + idleNanos;
        if (bounded && until - now <= 0) {
            throw new SocketTimeoutException("Read timed out");
        }
        block(until);
        int n;
        try {
            n = in.read(b, off, len);
        } catch (IOException e) {
            unblock(e, "Read timed out");
            throw e;
        }
        unblock(null, "Read timed out");
        return n;
    }

    private void block(long until) {
        // A deadline that happens to equal a sentinel (a chance of 2^-63) is moved by 2 ns.
        blockedUntil = until == NOT_BLOCKED || until == EXPIRED ? until + 2 : until;
    }

    /** Ends a blocked read or write: rethrows {@code failure}, or a timeout when the watch ended it. */
    private void unblock(IOException failure, String timedOut) throws IOException {
        long until = blockedUntil;
        if (until == EXPIRED || !BLOCKED_UNTIL.compareAndSet(this, until, NOT_BLOCKED)) {
            SocketTimeoutException e = new SocketTimeoutException(timedOut);
            if (failure != null) {
                e.initCause(failure);
            }
            throw e;
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Called by the watch: closes the connection when a read or write is blocked past its deadline at {@code now}. */
    void expireIfPast(long now) {
        long until = blockedUntil;
        if (until != NOT_BLOCKED && until != EXPIRED && now - until > 0 && BLOCKED_UNTIL.compareAndSet(this, until, EXPIRED)) {
            close();
        }
    }

    /** Marks the connection idle in the pool since {@code nanos}: no exchange, nothing for the watch. */
    void idleSince(long nanos) {
        idleSince = nanos;
        watch.forget(this);
    }

    long idleSince() {
        return idleSince;
    }

    /** Closes the socket; safe from any thread and more than once. */
    void close() {
        watch.forget(this);
        try {
            raw.close();
        } catch (IOException e) {
            // Closing a socket that failed already: there is nothing left to release.
        }
    }
}
