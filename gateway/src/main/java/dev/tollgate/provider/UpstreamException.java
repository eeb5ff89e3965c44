package dev.tollgate.provider;

import java.util.Map;

/**
 * An upstream call that did not produce a usable answer. {@link #beforeFirstByte()} failures can fall
 * back to another deployment; a failure after the client got its first byte can only end the stream.
 */
public final class UpstreamException extends RuntimeException {

    /** How the call failed. */
    public enum Kind {
        /** Could not open a connection (refused, unreachable, connect timeout). */
        CONNECT,
        /** No response headers within the first-byte timeout. */
        FIRST_BYTE_TIMEOUT,
        /** The upstream answered with an error status; {@link #status()} and {@link #code()} say which. */
        STATUS,
        /** A 2xx answer that is not what the protocol promises (malformed JSON, wrong shape). */
        PROTOCOL,
        /** The body stopped: stalled past the idle timeout, reset, or cut before its end. */
        BROKEN
    }

    private final Kind kind;
    private final int status;
    private final String code;
    private final Map<String, String> headers;

    /**
     * @param code    the upstream's own error code or type ({@code context_length_exceeded}), or {@code null}
     * @param message what went wrong, safe to show the client: no credentials, no request content
     */
    public UpstreamException(Kind kind, int status, String code, Map<String, String> headers, String message) {
        super(message, null, false, false);
        this.kind = kind;
        this.status = status;
        this.code = code;
        this.headers = Map.copyOf(headers);
    }

    public static UpstreamException of(Kind kind, String message) {
        return new UpstreamException(kind, 0, null, Map.of(), message);
    }

    public Kind kind() {
        return kind;
    }

    /** The upstream's HTTP status for {@link Kind#STATUS}, else 0. */
    public int status() {
        return status;
    }

    /** The upstream's error code for {@link Kind#STATUS}, when it gave one. */
    public String code() {
        return code;
    }

    /** Upstream headers worth passing on ({@code retry-after}), lower-case names. */
    public Map<String, String> headers() {
        return headers;
    }

    /**
     * Whether the upstream refused the prompt as too long for the model's context window (OpenAI's and compatible
     * servers' {@code context_length_exceeded}, Anthropic's {@code prompt is too long}, Gemini's {@code exceeds the maximum
     * number of tokens}): a model with a larger window might take it.
     */
    public boolean contextLengthExceeded() {
        if (kind != Kind.STATUS || status != 400 && status != 413 && status != 422) {
            return false;
        }
        if ("context_length_exceeded".equals(code) || "string_above_max_length".equals(code)) {
            return true;
        }
        String text = String.valueOf(getMessage()).toLowerCase(java.util.Locale.ROOT);
        return text.contains("context length") || text.contains("context window") || text.contains("prompt is too long")
                || text.contains("maximum context") || text.contains("exceeds the maximum number of tokens")
                || text.contains("too many tokens");
    }

    /** Whether another deployment might succeed where this one failed. */
    public boolean retryable() {
        return switch (kind) {
            case CONNECT, FIRST_BYTE_TIMEOUT, PROTOCOL, BROKEN -> true;
            case STATUS -> status == 408 || status == 429 || status >= 500;
        };
    }
}
