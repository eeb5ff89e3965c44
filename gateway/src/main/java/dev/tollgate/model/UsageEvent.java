package dev.tollgate.model;

import java.time.Instant;

/**
 * One call, as the ledger keeps it: append-only, one per call (proxied, failed, or refused after
 * authentication). Identifiers and tags are never secrets.
 *
 * @param id            unique id of this event (the ledger is idempotent by it)
 * @param requestId     the {@code x-tollgate-request-id} the client saw
 * @param source        {@code proxy} (through the gateway) or {@code sdk} (reported to {@code /api/log})
 * @param costUsd       the call's cost from the price table; 0 with {@code priceKnown} false when the model has no price
 * @param savedUsd      what the call would have cost without Tollgate's cache (0 on a cache miss)
 * @param status        the HTTP status the client got
 * @param errorCode     the error code the client got, or {@code null} on success
 * @param firstTokenMs  time to the first token for streamed calls, else {@code -1}
 * @param attempts      upstream attempts made (fallbacks included)
 * @param routingFreeCostUsd what the call's usage would have cost without routing: on the strongest autopilot
 *                      candidate that fitted it; {@code costUsd} when Tollgate did not choose the model
 */
public record UsageEvent(
        String id,
        Instant time,
        String requestId,
        String orgId,
        String keyId,
        String agent,
        String feature,
        String endpoint,
        String source,
        String provider,
        String model,
        Usage usage,
        double costUsd,
        boolean priceKnown,
        double savedUsd,
        long latencyMs,
        long firstTokenMs,
        int status,
        String errorCode,
        boolean stream,
        int attempts,
        String cacheTier,
        String routingReason,
        double routingFreeCostUsd) {

    /** An event whose model was not chosen by routing: its routing-free cost is its cost. */
    public UsageEvent(String id, Instant time, String requestId, String orgId, String keyId, String agent, String feature,
                      String endpoint, String source, String provider, String model, Usage usage, double costUsd, boolean priceKnown,
                      double savedUsd, long latencyMs, long firstTokenMs, int status, String errorCode, boolean stream, int attempts,
                      String cacheTier, String routingReason) {
        this(id, time, requestId, orgId, keyId, agent, feature, endpoint, source, provider, model, usage, costUsd, priceKnown, savedUsd,
                latencyMs, firstTokenMs, status, errorCode, stream, attempts, cacheTier, routingReason, costUsd);
    }

    /** What routing saved on this call: the routing-free cost minus the cost, never negative (0 without a price). */
    public double routingSavedUsd() {
        return priceKnown ? Math.max(0, routingFreeCostUsd - costUsd) : 0;
    }

    /**
     * Whether Tollgate answered this call itself with an error before any provider was reached (budget,
     * rate limit, bad request, unknown model): nothing was sent upstream and nothing is owed.
     */
    public boolean refused() {
        boolean failed = status < 200 || status >= 300 || errorCode != null;
        return failed && attempts == 0 && (provider == null || provider.isEmpty()) && "proxy".equals(source);
    }
}
