package dev.tollgate.store.journal;

import dev.tollgate.model.Usage;
import dev.tollgate.model.UsageEvent;
import java.time.Instant;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** One usage event as one line of JSON, the journal's record format. Field names are stable on disk. */
final class UsageEventCodec {

    private final JsonMapper json;

    UsageEventCodec(JsonMapper json) {
        this.json = json;
    }

    /** Encodes with the streaming generator: this runs on the request path, once per call. */
    byte[] encode(UsageEvent e) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(512);
        try (JsonGenerator g = json.createGenerator(out)) {
            Usage u = e.usage();
            g.writeStartObject();
            g.writeStringProperty("id", e.id());
            g.writeNumberProperty("ts", e.time().toEpochMilli());
            g.writeStringProperty("request_id", e.requestId());
            g.writeStringProperty("org", e.orgId());
            g.writeStringProperty("key", e.keyId());
            g.writeStringProperty("agent", e.agent());
            g.writeStringProperty("feature", e.feature());
            g.writeStringProperty("endpoint", e.endpoint());
            g.writeStringProperty("source", e.source());
            g.writeStringProperty("provider", e.provider());
            g.writeStringProperty("model", e.model());
            g.writeNumberProperty("in", u.inputTokens());
            g.writeNumberProperty("out", u.outputTokens());
            g.writeNumberProperty("cached", u.cachedTokens());
            g.writeNumberProperty("cache_write", u.cacheWriteTokens());
            g.writeNumberProperty("reasoning", u.reasoningTokens());
            g.writeBooleanProperty("estimated", u.estimated());
            g.writeNumberProperty("cost", e.costUsd());
            g.writeBooleanProperty("price_known", e.priceKnown());
            g.writeNumberProperty("saved", e.savedUsd());
            g.writeNumberProperty("latency", e.latencyMs());
            g.writeNumberProperty("ttft", e.firstTokenMs());
            g.writeNumberProperty("status", e.status());
            g.writeStringProperty("error", e.errorCode());
            g.writeBooleanProperty("stream", e.stream());
            g.writeNumberProperty("attempts", e.attempts());
            g.writeStringProperty("cache", e.cacheTier());
            g.writeStringProperty("reason", e.routingReason());
            g.writeNumberProperty("routing_free", e.routingFreeCostUsd());
            g.writeEndObject();
        }
        out.write('\n');
        return out.toByteArray();
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
