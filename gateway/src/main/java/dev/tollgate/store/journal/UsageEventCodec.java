package dev.tollgate.store.journal;

import dev.tollgate.model.Usage;
import dev.tollgate.model.UsageEvent;
import java.time.Instant;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** One usage event as one line of JSON, the journal's record format. Field names are stable on disk. */
final class UsageEventCodec {

    private final JsonMapper json;

    UsageEventCodec(JsonMapper json) {
        this.json = json;
    }

    byte[] encode(UsageEvent e) {
        ObjectNode n = json.createObjectNode();
        n.put("id", e.id()).put("ts", e.time().toEpochMilli()).put("request_id", e.requestId())
                .put("org", e.orgId()).put("key", e.keyId()).put("agent", e.agent()).put("feature", e.feature())
                .put("endpoint", e.endpoint()).put("source", e.source()).put("provider", e.provider()).put("model", e.model());
        Usage u = e.usage();
        n.put("in", u.inputTokens()).put("out", u.outputTokens()).put("cached", u.cachedTokens())
                .put("cache_write", u.cacheWriteTokens()).put("reasoning", u.reasoningTokens()).put("estimated", u.estimated());
        n.put("cost", e.costUsd()).put("price_known", e.priceKnown()).put("saved", e.savedUsd())
                .put("latency", e.latencyMs()).put("ttft", e.firstTokenMs()).put("status", e.status())
                .put("error", e.errorCode()).put("stream", e.stream()).put("attempts", e.attempts())
                .put("cache", e.cacheTier()).put("reason", e.routingReason());
        byte[] body = json.writeValueAsBytes(n);
        byte[] line = java.util.Arrays.copyOf(body, body.length + 1);
        line[body.length] = '\n';
        return line;
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
                n.path("cache").asString("miss"), text(n, "reason"));
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asString();
    }
}
