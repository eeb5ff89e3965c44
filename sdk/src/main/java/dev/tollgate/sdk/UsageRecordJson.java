package dev.tollgate.sdk;

import java.util.List;

/**
 * The body of {@code POST /api/log}, written by hand: the event is small and flat, and the SDK brings no
 * JSON library of its own into the application.
 */
final class UsageRecordJson {

    private UsageRecordJson() {
    }

    static String batch(List<UsageRecord> records) {
        StringBuilder out = new StringBuilder(64 + records.size() * 320);
        out.append("{\"events\":[");
        for (int i = 0; i < records.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            event(out, records.get(i));
        }
        return out.append("]}").toString();
    }

    static void event(StringBuilder out, UsageRecord r) {
        TokenUsage u = r.usage();
        out.append('{');
        string(out, "event_id", r.eventId()).append(',');
        string(out, "timestamp", r.timestamp().toString()).append(',');
        string(out, "provider", r.provider()).append(',');
        string(out, "model", r.model()).append(',');
        number(out, "input_tokens", u.input()).append(',');
        number(out, "output_tokens", u.output());
        optional(out, "cached_tokens", u.cached());
        optional(out, "cache_write_tokens", u.cacheWrite());
        optional(out, "reasoning_tokens", u.reasoning());
        out.append(',');
        number(out, "latency_ms", r.latencyMs());
        if (r.ttftMs() >= 0) {
            out.append(',');
            number(out, "ttft_ms", r.ttftMs());
        }
        out.append(',');
        number(out, "status", r.status());
        optional(out, "error_code", r.errorCode());
        optional(out, "agent", r.agent());
        optional(out, "feature", r.feature());
        optional(out, "request_id", r.requestId());
        out.append(',');
        string(out, "endpoint", r.endpoint());
        if (r.stream()) {
            out.append(",\"stream\":true");
        }
        if (u.estimated()) {
            out.append(",\"estimated\":true");
        }
        out.append('}');
    }

    private static StringBuilder number(StringBuilder out, String name, long value) {
        return out.append('"').append(name).append("\":").append(value);
    }

    private static void optional(StringBuilder out, String name, long value) {
        if (value != 0) {
            out.append(',');
            number(out, name, value);
        }
    }

    private static void optional(StringBuilder out, String name, String value) {
        if (value != null) {
            out.append(',');
            string(out, name, value);
        }
    }

    private static StringBuilder string(StringBuilder out, String name, String value) {
        out.append('"').append(name).append("\":\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"');
    }
}
