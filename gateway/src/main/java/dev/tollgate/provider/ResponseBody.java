package dev.tollgate.provider;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * An answer's body as it arrives, framed as its head says: by {@code content-length}, chunked (chunk
 * extensions and trailers are read and dropped), or up to the end of the connection. Read to its end, the
 * body hands its connection back for the next call when both sides allow keep-alive; closed earlier, read
 * with an error, or {@linkplain #abort() aborted}, it closes the connection, which is then never reused.
 */
final class ResponseBody extends InputStream {

    private static final int OPEN = 0;
    private static final int ENDED = 1;
    private static final int DROPPED = 2;

    private final UpstreamConnection connection;
    private final Consumer<UpstreamConnection> release;
    private final boolean keepAlive;
    private final boolean chunked;
    private final boolean untilClose;
    private final long contentLength;
    /** Bytes left in the body (content-length) or in the current chunk. */
    private long remaining;
    private boolean chunkDataRead;
    /** The zero-size chunk was read: only the trailers are left. */
    private boolean lastChunk;
    /** What went wrong reading ahead in {@link #available()}, for the next read to throw. */
    private IOException unread;
    private final AtomicInteger state = new AtomicInteger(OPEN);

    private ResponseBody(UpstreamConnection connection, Consumer<UpstreamConnection> release, boolean keepAlive, boolean chunked,
                         long contentLength) {
        this.connection = connection;
        this.release = release;
        this.chunked = chunked;
        this.untilClose = !chunked && contentLength < 0;
        this.keepAlive = keepAlive && !untilClose;
        this.contentLength = contentLength;
        this.remaining = chunked ? 0 : contentLength;
    }

    /** The body that follows {@code head} on {@code connection}; an empty one has ended (and released it) already. */
    static ResponseBody of(ResponseHead head, UpstreamConnection connection, Consumer<UpstreamConnection> release)
            throws UpstreamProtocolException {
        String encoding = head.headers().first("transfer-encoding");
        boolean empty = head.status() == 204 || head.status() == 304;
        ResponseBody body;
        if (!empty && encoding != null) {
            // Chunked must be the last coding; any other transfer coding runs to the end of the connection.
            body = new ResponseBody(connection, release, head.keepAlive(), isChunked(encoding), -1);
        } else {
            body = new ResponseBody(connection, release, head.keepAlive(), false, empty ? 0 : contentLength(head.headers()));
        }
        if (body.contentLength == 0) {
            body.end();
        }
        return body;
    }

    private static boolean isChunked(String encoding) {
        String[] codings = encoding.split(",");
        return codings[codings.length - 1].strip().equalsIgnoreCase("chunked");
    }

    private static long contentLength(UpstreamHeaders headers) throws UpstreamProtocolException {
        long length = -1;
        for (UpstreamHeaders.Field field : headers) {
            if (field.name().equals("content-length")) {
                long value = parseLength(field.value());
                if (length >= 0 && value != length) {
                    throw new UpstreamProtocolException("two different content-length headers");
                }
                length = value;
            }
        }
        return length;
    }

    private static long parseLength(String value) throws UpstreamProtocolException {
        if (value.isEmpty() || value.length() > 18 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new UpstreamProtocolException("a content-length that is not a number");
        }
        return Long.parseLong(value);
    }

    /**
     * From now on each read of the body may wait at most {@code timeout} (a stream's idle timeout). A body
     * that ended already handed its connection back, perhaps to another call: that one is left alone. Only
     * the reading thread ends a body, so the check cannot race with the hand-back.
     */
    void readTimeout(java.time.Duration timeout) {
        if (state.get() == OPEN) {
            connection.readTimeout(timeout);
        }
    }

    /** The length the head announced, or -1 when it did not (chunked, or up to the end of the connection). */
    long contentLength() {
        return contentLength;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        int current = state.get();
        if (current == ENDED) {
            return -1;
        }
        if (current == DROPPED) {
            throw new IOException("the upstream connection was closed before the end of the answer");
        }
        if (len == 0) {
            return 0;
        }
        try {
            if (unread != null) {
                throw unread;
            }
            return untilClose ? readUntilClose(b, off, len) : chunked ? readChunked(b, off, len) : readLength(b, off, len);
        } catch (IOException | RuntimeException e) {
            abort();
            throw e;
        }
    }

    private int readUntilClose(byte[] b, int off, int len) throws IOException {
        int n = connection.read(b, off, len);
        if (n < 0) {
            end();
        }
        return n;
    }

    private int readLength(byte[] b, int off, int len) throws IOException {
        int n = connection.read(b, off, (int) Math.min(len, remaining));
        if (n < 0) {
            throw new EOFException("the connection closed " + remaining + " bytes before the end of the body");
        }
        remaining -= n;
        if (remaining == 0) {
            end();
        }
        return n;
    }

    /**
     * Bytes that a read returns without waiting for the network, so a stream's reader can tell events that
     * arrived together from one that is still on its way. Of a chunked body this crosses into the next
     * chunk only when its size line has arrived (and then reads it), and ends the body, handing its
     * connection back, when its last chunk and blank line have arrived (a body with trailers is left to
     * {@link #read}). A malformed size line is not thrown here but by the next read, where the stream's
     * reader expects it.
     */
    @Override
    public int available() {
        if (state.get() != OPEN || unread != null) {
            return 0;
        }
        try {
            if (chunked && remaining == 0 && !lastChunk && connection.hasBufferedLines(chunkDataRead ? 2 : 1)) {
                nextChunk();
            }
            if (lastChunk && connection.hasBufferedBlankLine()) {
                connection.readLine(2, "a blank line longer than itself");
                end();
                return 0;
            }
            return (int) Math.min(connection.buffered(), untilClose ? Integer.MAX_VALUE : remaining);
        } catch (IOException e) {
            unread = e;
            return 0;
        }
    }

    private int readChunked(byte[] b, int off, int len) throws IOException {
        if (remaining == 0 && !lastChunk) {
            nextChunk();
        }
        if (lastChunk) {
            ResponseHead.fields(connection, ResponseHead.MAX_HEADER_BYTES);
            end();
            return -1;
        }
        int n = connection.read(b, off, (int) Math.min(len, remaining));
        if (n < 0) {
            throw new EOFException("the connection closed in the middle of a chunk");
        }
        remaining -= n;
        chunkDataRead = true;
        return n;
    }

    /** Reads the line end of the chunk just read and the next chunk's size line. */
    private void nextChunk() throws IOException {
        if (chunkDataRead && !connection.readLine(2, "a chunk not followed by its line end").isEmpty()) {
            throw new UpstreamProtocolException("a chunk longer than its size");
        }
        remaining = chunkSize(connection.readLine(1024, "a chunk size line longer than 1024 bytes"));
        chunkDataRead = false;
        lastChunk = remaining == 0;
    }

    private static long chunkSize(String line) throws UpstreamProtocolException {
        int end = line.indexOf(';');
        String hex = (end < 0 ? line : line.substring(0, end)).strip();
        if (hex.isEmpty() || hex.length() > 15 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new UpstreamProtocolException("a malformed chunk size");
        }
        return Long.parseLong(hex, 16);
    }

    private void end() {
        if (state.compareAndSet(OPEN, ENDED)) {
            if (keepAlive) {
                release.accept(connection);
            } else {
                connection.close();
            }
        }
    }

    /** Drops the connection unless the body already ended; from any thread, and it unblocks a read in progress. */
    void abort() {
        if (state.compareAndSet(OPEN, DROPPED)) {
            connection.close();
        }
    }

    /** Before the end of the body this drops the connection: what is left of the answer is not wanted. */
    @Override
    public void close() {
        abort();
    }
}
