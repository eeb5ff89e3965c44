package dev.tollgate.api;

import dev.tollgate.pipeline.GatewayException;
import io.helidon.webserver.http.ServerRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.OptionalLong;

/**
 * Reads request bodies within the configured size limit: 413 beyond it. An over-long body whose length
 * is declared is read and discarded first, up to {@link #DRAIN_BYTES}, so the client, still sending,
 * gets the 413 instead of a reset connection; a larger one is refused without reading it.
 */
public final class HttpBodies {

    /** How much of a too-large body is read and discarded so the client sees its 413. */
    public static final long DRAIN_BYTES = 64L * 1024 * 1024;

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
        try (InputStream in = request.content().inputStream()) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (bytes.length > maxBytes) {
                throw GatewayException.payloadTooLarge(maxBytes);
            }
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the request body", e);
        }
    }
}
