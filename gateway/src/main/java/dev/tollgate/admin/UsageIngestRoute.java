package dev.tollgate.admin;

import dev.tollgate.api.HttpBodies;
import dev.tollgate.config.ProviderKind;
import dev.tollgate.model.Principal;
import dev.tollgate.model.Usage;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.pipeline.PipelineListener;
import dev.tollgate.usage.PriceTable;
import io.helidon.webserver.http.ServerRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /api/log}: usage of calls made outside the proxy (reported by the SDK), in batches. The
 * whole batch is validated field by field before anything is stored (a 400 names the first bad field,
 * {@code events[3].input_tokens}), priced on arrival like proxied calls, and stored idempotently by
 * {@code event_id}: a batch sent twice is stored once.
 */
public final class UsageIngestRoute {

    public static final int MAX_EVENTS = 1_000;
    private static final long MAX_TOKENS = 1_000_000_000L;
    private static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final Pattern TAG = Pattern.compile("[\\p{L}\\p{N}._:/ -]{1,128}");
    private static final Set<String> FIELDS = Set.of("event_id", "timestamp", "provider", "model", "input_tokens",
            "output_tokens", "cached_tokens", "cache_write_tokens", "reasoning_tokens", "latency_ms", "ttft_ms", "status",
            "error_code", "agent", "feature", "stream", "request_id", "endpoint", "estimated");

    private final JsonMapper json;
    private final HttpBodies bodies;
    private final PriceTable prices;
    private final PipelineListener listener;
    private final Clock clock;

    private final Duration retention;

    /**
     * @param retention how long raw events are kept ({@code ZERO}: forever); older events are refused, since
     *                  the ledger could no longer tell whether one was stored before and pruned
     */
    public UsageIngestRoute(JsonMapper json, HttpBodies bodies, PriceTable prices, PipelineListener listener, Clock clock,
                            Duration retention) {
        this.retention = retention;
        this.json = json;
        this.bodies = bodies;
        this.prices = prices;
        this.listener = listener;
        this.clock = clock;
    }

    public JsonNode ingest(ServerRequest req, Principal caller) {
        List<UsageEvent> valid = validate(bodies.read(req), caller);
        valid.forEach(listener::completed);
        return json.createObjectNode().put("accepted", valid.size());
    }

    /** The batch of {@code body} as usage events of {@code caller}, all valid, or a 4xx naming the first bad field. */
    List<UsageEvent> validate(byte[] body, Principal caller) {
        JsonNode events = events(parse(body));
        List<UsageEvent> valid = new ArrayList<>(events.size());
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < events.size(); i++) {
            UsageEvent e = event(events.get(i), "events[" + i + "]", caller);
            if (!ids.add(e.id())) {
                throw GatewayException.badRequest("events[" + i + "].event_id", "events[" + i + "].event_id: '" + e.id()
                        + "' appears twice in this batch (expected: unique ids)");
            }
            valid.add(e);
        }
        return valid;
    }

    private JsonNode parse(byte[] body) {
        if (body.length == 0) {
            throw GatewayException.badRequest(null, "request body is empty (expected: {\"events\": [...]})");
        }
        try {
            return json.readTree(body);
        } catch (JacksonException e) {
            throw GatewayException.badRequest(null, "request body is not valid JSON (expected: {\"events\": [...]})");
        }
    }

    private static JsonNode events(JsonNode root) {
        JsonNode events = root.isArray() ? root : root.path("events");
        if (root.isObject()) {
            for (String name : root.propertyNames()) {
                if (!name.equals("events")) {
                    throw GatewayException.badRequest(name, name + ": unknown field (expected: {\"events\": [...]})");
                }
            }
        }
        if (!events.isArray()) {
            throw GatewayException.badRequest("events", "events: missing (expected: an array of usage events)");
        }
        if (events.isEmpty()) {
            throw GatewayException.badRequest("events", "events: empty (expected: 1 to " + MAX_EVENTS + " events)");
        }
        if (events.size() > MAX_EVENTS) {
            throw new GatewayException(413, "invalid_request_error", "batch_too_large", "events",
                    "events: " + events.size() + " events (expected: at most " + MAX_EVENTS + " per batch)", Map.of());
        }
        return events;
    }

    private UsageEvent event(JsonNode n, String at, Principal caller) {
        if (!n.isObject()) {
            throw GatewayException.badRequest(at, at + ": expected a usage event object");
        }
        for (String name : n.propertyNames()) {
            if (!FIELDS.contains(name)) {
                throw GatewayException.badRequest(at + "." + name, at + "." + name + ": unknown field (expected one of: "
                        + String.join(", ", new java.util.TreeSet<>(FIELDS)) + ")");
            }
        }
        String id = text(n, at, "event_id", ID, true);
        String provider = text(n, at, "provider", TAG, true).toLowerCase(Locale.ROOT);
        String model = text(n, at, "model", Pattern.compile("[^\\p{Cntrl}]{1,256}"), true);
        long input = count(n, at, "input_tokens", true);
        long output = count(n, at, "output_tokens", true);
        long cached = count(n, at, "cached_tokens", false);
        long cacheWrite = count(n, at, "cache_write_tokens", false);
        long reasoning = count(n, at, "reasoning_tokens", false);
        if (cached + cacheWrite > input) {
            throw GatewayException.badRequest(at + ".cached_tokens", at + ".cached_tokens: " + cached + " + cache_write_tokens "
                    + cacheWrite + " (expected: at most input_tokens " + input + ", which includes them)");
        }
        if (reasoning > output) {
            throw GatewayException.badRequest(at + ".reasoning_tokens", at + ".reasoning_tokens: " + reasoning
                    + " (expected: at most output_tokens " + output + ", which includes them)");
        }
        int status = (int) number(n, at, "status", 200, 100, 599);
        // "estimated": counts the SDK made itself (a stream closed before the provider's usage arrived).
        Usage usage = new Usage(input, output, cached, cacheWrite, reasoning, bool(n, at, "estimated"));
        PriceTable.Cost cost = prices.cost(ProviderKind.byName(provider).orElse(null), provider, model, usage);
        return new UsageEvent(id, timestamp(n, at), orDefault(text(n, at, "request_id", ID, false), id), caller.orgId(),
                caller.keyId(), text(n, at, "agent", TAG, false), text(n, at, "feature", TAG, false),
                orDefault(text(n, at, "endpoint", TAG, false), "chat"), "sdk", provider, model, usage, cost.usd(), cost.known(), 0,
                number(n, at, "latency_ms", 0, 0, 86_400_000L), number(n, at, "ttft_ms", -1, -1, 86_400_000L), status,
                text(n, at, "error_code", ID, false), bool(n, at, "stream"), 1, "none", "sdk-reported");
    }

    private Instant timestamp(JsonNode n, String at) {
        JsonNode v = n.get("timestamp");
        Instant now = clock.instant();
        if (v == null || v.isNull()) {
            return now;
        }
        Instant t;
        try {
            t = v.isIntegralNumber() ? (v.canConvertToLong() ? Instant.ofEpochMilli(v.asLong()) : null) : v.isString() ? Instant.parse(v.asString()) : null;
        } catch (DateTimeParseException e) {
            t = null;
        }
        Instant oldest = retention.isZero() ? Instant.parse("2000-01-01T00:00:00Z") : now.minus(retention);
        if (t != null && t.isBefore(oldest)) {
            throw GatewayException.badRequest(at + ".timestamp", at + ".timestamp: " + shortly(v) + " is older than the ledger keeps raw events ("
                    + retention.toDays() + " days, ledger.retention_days), so it could not be stored exactly once");
        }
        if (t == null || t.isAfter(now.plus(MAX_CLOCK_SKEW))) {
            throw GatewayException.badRequest(at + ".timestamp", at + ".timestamp: " + shortly(v)
                    + " (expected: an ISO-8601 instant such as 2026-11-23T10:15:30Z, or epoch milliseconds, not in the future)");
        }
        return t;
    }

    private static String text(JsonNode n, String at, String field, Pattern shape, boolean required) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw GatewayException.badRequest(at + "." + field, at + "." + field + ": missing (expected: a string)");
            }
            return null;
        }
        if (!v.isString() || !shape.matcher(v.asString()).matches()) {
            throw GatewayException.badRequest(at + "." + field, at + "." + field + ": " + shortly(v)
                    + " (expected: a string of 1 to 128 letters, digits and . _ : - /)");
        }
        // Tags are stored in NFC, as the proxy stores them, so one agent typed two ways is one agent.
        return java.text.Normalizer.normalize(v.asString(), java.text.Normalizer.Form.NFC);
    }

    private static long count(JsonNode n, String at, String field, boolean required) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw GatewayException.badRequest(at + "." + field, at + "." + field + ": missing (expected: a whole number >= 0)");
            }
            return 0;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0 || v.asLong() > MAX_TOKENS) {
            throw GatewayException.badRequest(at + "." + field, at + "." + field + ": " + shortly(v)
                    + " (expected: a whole number from 0 to " + MAX_TOKENS + ")");
        }
        return v.asLong();
    }

    private static long number(JsonNode n, String at, String field, long fallback, long min, long max) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < min || v.asLong() > max) {
            throw GatewayException.badRequest(at + "." + field, at + "." + field + ": " + shortly(v)
                    + " (expected: a whole number from " + min + " to " + max + ")");
        }
        return v.asLong();
    }

    private static boolean bool(JsonNode n, String at, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw GatewayException.badRequest(at + "." + field, at + "." + field + ": " + shortly(v) + " (expected: true or false)");
        }
        return v.asBoolean();
    }

    private static String orDefault(String value, String fallback) {
        return value == null ? fallback : value;
    }

    private static String shortly(JsonNode v) {
        String text = v.toString();
        return text.length() > 40 ? text.substring(0, 40) + "…" : text;
    }

}
