package dev.tollgate.sdk;

import java.time.Instant;
import java.util.regex.Pattern;

/**
 * One tracked call as {@code POST /api/log} takes it. {@code eventId} is fixed when the call starts and
 * sent unchanged on every retry, so Tollgate stores the event once however often it arrives.
 * {@code ttftMs} is -1 when the call did not stream (or no token arrived); {@code errorCode},
 * {@code agent}, {@code feature} and {@code requestId} may be null.
 */
public record UsageRecord(String eventId, Instant timestamp, String provider, String model, TokenUsage usage, long latencyMs,
                          long ttftMs, int status, String errorCode, String agent, String feature, boolean stream,
                          String requestId, String endpoint) {

    private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");
    private static final Pattern NOT_ID = Pattern.compile("[^A-Za-z0-9._:-]");

    public UsageRecord {
        if (eventId == null || !CallTags.ID.matcher(eventId).matches()) {
            throw new IllegalArgumentException("eventId: " + eventId + " (expected: 1 to 128 of A-Z a-z 0-9 . _ : -)");
        }
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status: " + status + " (expected: an HTTP status from 100 to 599)");
        }
        model = cleanModel(model);
        errorCode = cleanId(errorCode);
        requestId = cleanId(requestId);
        latencyMs = Math.max(0, Math.min(latencyMs, 86_400_000L));
        ttftMs = ttftMs < 0 ? -1 : Math.min(ttftMs, 86_400_000L);
    }

    /** A model name as Tollgate takes it: no control characters, at most 256 characters, never empty. */
    static String cleanModel(String model) {
        if (model == null) {
            return "unknown";
        }
        String m = model;
        for (int i = 0; i < m.length(); i++) {
            if (Character.isISOControl(m.charAt(i))) {
                m = CONTROL.matcher(m).replaceAll("");
                break;
            }
        }
        m = m.strip();
        if (m.isEmpty()) {
            return "unknown";
        }
        return m.length() > 256 ? m.substring(0, 256) : m;
    }

    /** An identifier from a provider (an error code, a response id) reduced to what Tollgate takes, or null. */
    static String cleanId(String id) {
        if (id == null || id.isEmpty()) {
            return null;
        }
        String clean = CallTags.ID.matcher(id).matches() ? id : NOT_ID.matcher(id).replaceAll("_");
        return clean.length() > 128 ? clean.substring(0, 128) : clean;
    }
}
