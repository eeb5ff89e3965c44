package dev.tollgate.sdk;

/**
 * Counts since the reporter started, each event in exactly one of the last five once it is settled.
 *
 * @param queued    events accepted into the queue
 * @param delivered events Tollgate acknowledged (stored, or recognized as already stored)
 * @param dropped   events never queued: the queue was full, or the reporter was closed
 * @param refused   events Tollgate refused as invalid (a 400 naming the event); retrying would not help
 * @param abandoned events still undelivered when the shutdown timeout ran out
 * @param failedRequests requests to Tollgate that failed and were retried (connection refused, timeout, 5xx, …)
 * @param pending   events queued or in flight now
 */
public record ReporterStats(long queued, long delivered, long dropped, long refused, long abandoned, long failedRequests, long pending) {

    public static final ReporterStats ZERO = new ReporterStats(0, 0, 0, 0, 0, 0, 0);
}
