package dev.tollgate.pipeline;

import dev.tollgate.model.CanonicalRequest;
import dev.tollgate.model.Principal;
import java.util.Optional;
import java.util.function.Function;

/**
 * The raw request as the api layer received it: headers, the body (read once, when the pipeline starts,
 * within the route's size limit), and the dialect's parser that turns the body into a canonical request
 * (throwing {@link GatewayException} with status 400). Confined to the request's thread.
 */
public final class Inbound {

    /** Parses a body of one dialect and endpoint into canonical form. */
    @FunctionalInterface
    public interface RequestParser {
        CanonicalRequest parse(byte[] body);

        /**
         * Parses a body on behalf of an authenticated caller: a dialect whose requests refer to state the
         * caller's org keeps (the Responses API's {@code previous_response_id}) reads it here, within that org.
         */
        default CanonicalRequest parse(byte[] body, Principal caller) {
            return parse(body);
        }
    }

    /** Reads the request body; throws {@link GatewayException} 413 when it is larger than allowed. */
    @FunctionalInterface
    public interface BodyReader {
        byte[] read();
    }

    private final Function<String, Optional<String>> headers;
    private final BodyReader reader;
    private final RequestParser parser;
    private byte[] body;

    private Inbound(Function<String, Optional<String>> headers, BodyReader reader, RequestParser parser) {
        this.headers = headers;
        this.reader = reader;
        this.parser = parser;
    }

    /** A request whose body is already read. */
    public Inbound(Function<String, Optional<String>> headers, byte[] body, RequestParser parser) {
        this(headers, () -> body, parser);
        this.body = body;
    }

    /** A request whose body {@code reader} reads when the pipeline starts, so a 413 is a refusal like any other. */
    public static Inbound reading(Function<String, Optional<String>> headers, BodyReader reader, RequestParser parser) {
        return new Inbound(headers, reader, parser);
    }

    public Optional<String> header(String name) {
        return headers.apply(name);
    }

    /** The body, read on the first call. */
    public byte[] body() {
        if (body == null) {
            body = reader.read();
        }
        return body;
    }

    public RequestParser parser() {
        return parser;
    }
}
