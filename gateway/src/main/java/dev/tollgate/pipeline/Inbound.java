package dev.tollgate.pipeline;

import java.util.Optional;
import java.util.function.Function;

/**
 * The raw request as the api layer received it: headers, body bytes, and the dialect's parser that
 * turns the body into a canonical request (throwing {@link GatewayException} with status 400).
 */
public record Inbound(Function<String, Optional<String>> headers, byte[] body, RequestParser parser) {

    public Optional<String> header(String name) {
        return headers.apply(name);
    }

    /** Parses a body of one dialect and endpoint into canonical form. */
    @FunctionalInterface
    public interface RequestParser {
        dev.tollgate.model.CanonicalRequest parse(byte[] body);
    }
}
