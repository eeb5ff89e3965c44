package dev.tollgate.sdk;

import java.util.regex.Pattern;

/**
 * Who made a call: the {@code agent} and the {@code feature} (Tollgate's {@code ai_name} and
 * {@code endpoint_name}), and optionally the application's own {@code requestId} for tracing. A null
 * field falls back to the configured default ({@link TollgateConfig#defaultAgent()}, …). Values are
 * checked here, where the application builds them, so a bad tag never gets a batch of events refused.
 */
public record CallTags(String agent, String feature, String requestId) {

    /** No tags of its own: the configured defaults apply. */
    public static final CallTags DEFAULTS = new CallTags(null, null, null);

    static final Pattern TAG = Pattern.compile("[\\p{L}\\p{N}._:/ -]{1,128}");
    static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    public CallTags {
        check("agent", agent, TAG, "1 to 128 letters, digits, spaces or . _ : / -");
        check("feature", feature, TAG, "1 to 128 letters, digits, spaces or . _ : / -");
        check("requestId", requestId, ID, "1 to 128 of A-Z a-z 0-9 . _ : -");
    }

    public static CallTags of(String agent, String feature) {
        return new CallTags(agent, feature, null);
    }

    public static CallTags agent(String agent) {
        return new CallTags(agent, null, null);
    }

    public static CallTags feature(String feature) {
        return new CallTags(null, feature, null);
    }

    public CallTags withRequestId(String value) {
        return new CallTags(agent, feature, value);
    }

    /** These tags where set, {@code defaults} where not. */
    public CallTags orElse(CallTags defaults) {
        return new CallTags(agent != null ? agent : defaults.agent, feature != null ? feature : defaults.feature,
                requestId != null ? requestId : defaults.requestId);
    }

    static void check(String field, String value, Pattern shape, String expected) {
        if (value != null && !shape.matcher(value).matches()) {
            String shown = value.length() > 40 ? value.substring(0, 40) + "…" : value;
            throw new IllegalArgumentException(field + ": '" + shown.replaceAll("\\p{Cntrl}", "?") + "' (expected: " + expected + ")");
        }
    }
}
