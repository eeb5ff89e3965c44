package dev.tollgate.admin;

import dev.tollgate.model.RateLimits;
import dev.tollgate.pipeline.GatewayException;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** A key's {@code "limits": {"rpm": N, "tpm": N}} in the governance API; 0 or null means no limit of its own. */
final class KeyLimitsJson {

    private static final long MAX = 1_000_000_000_000L;

    private KeyLimitsJson() {
    }

    /** The limits in {@code body.limits}, or empty when the field is absent. */
    static Optional<RateLimits> parse(JsonNode body) {
        JsonNode limits = body.get("limits");
        if (limits == null || limits.isNull()) {
            return Optional.empty();
        }
        if (!limits.isObject()) {
            throw GatewayException.badRequest("limits", "limits: expected an object such as {\"rpm\": 60, \"tpm\": 100000}");
        }
        for (String name : limits.propertyNames()) {
            if (!Set.of("rpm", "tpm").contains(name)) {
                throw GatewayException.badRequest("limits." + name, "limits." + name + ": unknown field (expected: rpm, tpm)");
            }
        }
        return Optional.of(RateLimits.perKey(value(limits, "rpm"), value(limits, "tpm")));
    }

    static void write(ObjectNode node, RateLimits limits) {
        put(node, "rpm", limits.rpm());
        put(node, "tpm", limits.tpm());
    }

    private static void put(ObjectNode node, String name, long value) {
        if (value > 0) {
            node.put(name, value);
        } else {
            node.putNull(name);
        }
    }

    private static long value(JsonNode limits, String name) {
        JsonNode v = limits.get(name);
        if (v == null || v.isNull()) {
            return 0;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0 || v.asLong() > MAX) {
            throw GatewayException.badRequest("limits." + name, "limits." + name + ": expected a whole number from 1 to " + MAX
                    + " (or 0 / null for no limit)");
        }
        return v.asLong();
    }
}
