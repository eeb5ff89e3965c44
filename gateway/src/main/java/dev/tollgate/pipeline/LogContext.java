package dev.tollgate.pipeline;

/**
 * The keys of a request's log context (SLF4J's MDC), set while the request runs on its thread: every log
 * line of the request carries them, and the JSON log format writes them as fields. Never a secret.
 */
public final class LogContext {

    /** The request's id, as {@code x-tollgate-request-id} answers it. */
    public static final String REQUEST_ID = "request_id";
    /** The route's method and path template ({@code POST /v1/chat/completions}), never a raw path. */
    public static final String ROUTE = "route";
    /** The authenticated caller's org. */
    public static final String ORG = "org";
    /** The response's status (on the access-log line). */
    public static final String STATUS = "status";
    /** The request's latency in milliseconds (on the access-log line). */
    public static final String LATENCY_MS = "latency_ms";

    private LogContext() {
    }
}
