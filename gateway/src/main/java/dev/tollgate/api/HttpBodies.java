package dev.tollgate.api;

import dev.tollgate.pipeline.GatewayException;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.ServerRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads request bodies within the configured size limit: 413 beyond it. An over-long body whose length
 * is declared is read and discarded first, up to {@link #DRAIN_BYTES}, so the client, still sending,
 * gets the 413 instead of a reset connection; a larger one is refused without reading it.
 */
public final class HttpBodies {

    /** How much of a too-large body is read and discarded so the client sees its 413. */
    public static final long DRAIN_BYTES = 64L * 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(HttpBodies.class);

    private final long maxBytes;

    public HttpBodies(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    private static void drain(ServerRequest request) {
        try (InputStream in = request.content().inputStream()) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (IOException | RuntimeException e) {
            // The client stopped sending; it gets the 413 if it still listens.
            return;
        }
    }

    public byte[] read(ServerRequest request) {
        OptionalLong declared = request.headers().contentLength();
        if (declared.isPresent() && declared.getAsLong() > maxBytes) {
            if (declared.getAsLong() <= maxBytes + DRAIN_BYTES) {
                drain(request);
            }
            throw GatewayException.payloadTooLarge(maxBytes);
        }
        if (!request.content().hasEntity()) {
            return new byte[0];
        }
        byte[] bytes;
        try (InputStream in = request.content().inputStream()) {
            if (declared.isPresent()) {
                // The usual request: read into an array of the declared size, not through readNBytes' 8 KB chunks and copy.
                bytes = new byte[(int) declared.getAsLong()];
                if (in.readNBytes(bytes, 0, bytes.length) < bytes.length) {
                    throw new IOException("the body ended before its Content-Length");
                }
                return bytes;
            }
            bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        } catch (IOException | RuntimeException e) {
            throw unreadable(request, e);
        }
        if (bytes.length > maxBytes) {
            throw GatewayException.payloadTooLarge(maxBytes);
        }
        return bytes;
    }

    /**
     * A body the server could not read: a malformed chunk (Helidon throws a {@code NumberFormatException}
     * for a chunk size such as {@code ZZZ}), or a connection that ended early. The rest of the connection
     * cannot be trusted, so the answer closes it; without that Helidon would wait for the rest of a body
     * that never comes. The reason is logged, not sent: it is the server's wording, not the caller's.
     */
    private static GatewayException unreadable(ServerRequest request, Exception e) {
        LOG.debug("cannot read the body of {} {}: {}", request.prologue().method().text(), request.path().path(), e.toString());
        boolean chunked = request.headers().contains(HeaderNames.TRANSFER_ENCODING);
        String message = chunked
                ? "the request body is not valid chunked transfer encoding (expected: hexadecimal chunk sizes, each chunk followed by CRLF)"
                : "the request body ended before its Content-Length";
        return new GatewayException(400, "invalid_request_error", "malformed_body", null, message,
                Map.of(HeaderNames.CONNECTION.defaultCase(), HeaderValues.CONNECTION_CLOSE.get()));
    }
}
