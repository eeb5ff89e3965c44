package dev.tollgate.store.journal;

import dev.tollgate.model.Usage;
import dev.tollgate.model.UsageEvent;
import java.time.Instant;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** One usage event as one line of JSON, the journal's record format. Field names are stable on disk. */
final class UsageEventCodec {

    // Property names in the order the record has always had, each with its separator.
    private static final byte[] ID = JsonLine.name("id", true);
    private static final byte[] TS = JsonLine.name("ts", false);
    private static final byte[] REQUEST_ID = JsonLine.name("request_id", false);
    private static final byte[] ORG = JsonLine.name("org", false);
    private static final byte[] KEY = JsonLine.name("key", false);
    private static final byte[] AGENT = JsonLine.name("agent", false);
    private static final byte[] FEATURE = JsonLine.name("feature", false);
    private static final byte[] ENDPOINT = JsonLine.name("endpoint", false);
    private static final byte[] SOURCE = JsonLine.name("source", false);
    private static final byte[] PROVIDER = JsonLine.name("provider", false);
    private static final byte[] MODEL = JsonLine.name("model", false);
    private static final byte[] IN = JsonLine.name("in", false);
    private static final byte[] OUT = JsonLine.name("out", false);
    private static final byte[] CACHED = JsonLine.name("cached", false);
    private static final byte[] CACHE_WRITE = JsonLine.name("cache_write", false);
    private static final byte[] REASONING = JsonLine.name("reasoning", false);
    private static final byte[] ESTIMATED = JsonLine.name("estimated", false);
    private static final byte[] COST = JsonLine.name("cost", false);
    private static final byte[] PRICE_KNOWN = JsonLine.name("price_known", false);
    private static final byte[] SAVED = JsonLine.name("saved", false);
    private static final byte[] LATENCY = JsonLine.name("latency", false);
    private static final byte[] TTFT = JsonLine.name("ttft", false);
    private static final byte[] STATUS = JsonLine.name("status", false);
    private static final byte[] ERROR = JsonLine.name("error", false);
    private static final byte[] STREAM = JsonLine.name("stream", false);
    private static final byte[] ATTEMPTS = JsonLine.name("attempts", false);
    private static final byte[] CACHE = JsonLine.name("cache", false);
    private static final byte[] REASON = JsonLine.name("reason", false);
    private static final byte[] ROUTING_FREE = JsonLine.name("routing_free", false);

    private final JsonMapper json;

    UsageEventCodec(JsonMapper json) {
        this.json = json;
    }

    /** One record as a line of its own, newline included. */
    byte[] encode(UsageEvent e) {
        return encode(e, new JsonLine()).toByteArray();
    }

    /** Writes the record into {@code line}, emptied first: this runs on the request path, once per call. */
    JsonLine encode(UsageEvent e, JsonLine line) {
        Usage u = e.usage();
        return line.clear()
                .string(ID, e.id())
                .number(TS, e.time().toEpochMilli())
                .string(REQUEST_ID, e.requestId())
                .string(ORG, e.orgId())
                .string(KEY, e.keyId())
                .string(AGENT, e.agent())
                .string(FEATURE, e.feature())
                .string(ENDPOINT, e.endpoint())
                .string(SOURCE, e.source())
                .string(PROVIDER, e.provider())
                .string(MODEL, e.model())
                .number(IN, u.inputTokens())
                .number(OUT, u.outputTokens())
                .number(CACHED, u.cachedTokens())
                .number(CACHE_WRITE, u.cacheWriteTokens())
                .number(REASONING, u.reasoningTokens())
                .bool(ESTIMATED, u.estimated())
                .number(COST, e.costUsd())
                .bool(PRICE_KNOWN, e.priceKnown())
                .number(SAVED, e.savedUsd())
                .number(LATENCY, e.latencyMs())
                .number(TTFT, e.firstTokenMs())
                .number(STATUS, e.status())
                .string(ERROR, e.errorCode())
                .bool(STREAM, e.stream())
                .number(ATTEMPTS, e.attempts())
                .string(CACHE, e.cacheTier())
                .string(REASON, e.routingReason())
                .number(ROUTING_FREE, e.routingFreeCostUsd())
                .end();
    }

    UsageEvent decode(byte[] line) {
        JsonNode n = json.readTree(line);
        Usage usage = new Usage(n.path("in").asLong(), n.path("out").asLong(), n.path("cached").asLong(),
                n.path("cache_write").asLong(), n.path("reasoning").asLong(), n.path("estimated").asBoolean());
        return new UsageEvent(n.path("id").asString(), Instant.ofEpochMilli(n.path("ts").asLong()), n.path("request_id").asString(),
                text(n, "org"), text(n, "key"), text(n, "agent"), text(n, "feature"), n.path("endpoint").asString(),
                n.path("source").asString("proxy"), text(n, "provider"), text(n, "model"), usage, n.path("cost").asDouble(),
                n.path("price_known").asBoolean(), n.path("saved").asDouble(), n.path("latency").asLong(), n.path("ttft").asLong(),
                n.path("status").asInt(), text(n, "error"), n.path("stream").asBoolean(), n.path("attempts").asInt(),
                n.path("cache").asString("miss"), text(n, "reason"), n.path("routing_free").asDouble(n.path("cost").asDouble()));
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asString();
    }
}
