package dev.tollgate.pipeline;

/** How a call ended; every call ends exactly one of these ways, settled once ({@link RequestContext#ending()}). */
public enum Ending {
    /** The whole answer reached the client (a stream to its end). */
    DELIVERED,
    /** Tollgate refused the call before any upstream was tried (authentication, limits, routing, budgets). */
    REFUSED,
    /** No answer: every upstream attempt failed before the client got a byte, or the gateway itself failed. */
    FAILED,
    /** The upstream's stream broke after the client got its first bytes: cut, reset, stalled, or an error event. */
    STREAM_FAILED,
    /** The client went away before the whole answer reached it; the upstream call was aborted. */
    CLIENT_GONE,
    /** An answer was produced but never written: the route failed while answering. */
    ABANDONED
}
