package dev.tollgate.api.openai;

import dev.tollgate.pipeline.GatewayException;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Typed reads of request fields that fail with a 400 naming the parameter and what was expected.
 * Shared by the OpenAI- and Anthropic-dialect parsers.
 */
public final class JsonFields {

    private JsonFields() {
    }

    public static ObjectNode object(JsonMapper json, byte[] body) {
        if (body.length == 0) {
            throw GatewayException.badRequest(null, "request body is empty (expected: a JSON object)");
        }
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (JacksonException e) {
            throw GatewayException.badRequest(null, "request body is not valid JSON: " + shortReason(e));
        }
        if (!(root instanceof ObjectNode object)) {
            throw GatewayException.badRequest(null, "request body must be a JSON object");
        }
        return object;
    }

    public static Optional<String> string(JsonNode parent, String field, String path, int maxLength) {
        JsonNode v = parent.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isString()) {
            throw wrongType(path, "a string", v);
        }
        String text = v.asString();
        if (text.length() > maxLength) {
            throw GatewayException.badRequest(path, path + ": longer than " + maxLength + " characters");
        }
        return Optional.of(text);
    }

    public static boolean bool(JsonNode parent, String field, String path) {
        JsonNode v = parent.get(field);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw wrongType(path, "true or false", v);
        }
        return v.asBoolean();
    }

    public static Optional<Integer> integer(JsonNode parent, String field, String path, long min, long max) {
        JsonNode v = parent.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < min || v.asLong() > max) {
            throw GatewayException.badRequest(path, path + ": " + describe(v) + " (expected: an integer from " + min + " to " + max + ")");
        }
        return Optional.of((int) v.asLong());
    }

    public static void number(JsonNode parent, String field, String path, double min, double max) {
        JsonNode v = parent.get(field);
        if (v == null || v.isNull()) {
            return;
        }
        if (!v.isNumber() || v.asDouble() < min || v.asDouble() > max) {
            throw GatewayException.badRequest(path, path + ": " + describe(v) + " (expected: a number from " + min + " to " + max + ")");
        }
    }

    public static void type(JsonNode parent, String field, String path, String expected, boolean ok) {
        JsonNode v = parent.get(field);
        if (v != null && !v.isNull() && !ok) {
            throw wrongType(path, expected, v);
        }
    }

    public static GatewayException wrongType(String path, String expected, JsonNode found) {
        return GatewayException.badRequest(path, path + ": " + describe(found) + " (expected: " + expected + ")");
    }

    public static String describe(JsonNode v) {
        if (v.isString()) {
            return "a string";
        }
        if (v.isObject()) {
            return "an object";
        }
        if (v.isArray()) {
            return "an array";
        }
        if (v.isBoolean()) {
            return "a boolean";
        }
        if (v.isNumber()) {
            String text = v.asString();
            return text.length() > 24 ? "a number" : text;
        }
        return "null";
    }

    /** The parser's complaint without the echoed source, which may be huge or hold secrets. */
    private static String shortReason(JacksonException e) {
        String reason = e.getOriginalMessage();
        if (reason == null) {
            return "unreadable";
        }
        reason = reason.replaceAll("[\\p{Cntrl}]", " ").replaceAll("'[^']{21,}'", "'…'");
        int cut = reason.indexOf('\n');
        if (cut > 0) {
            reason = reason.substring(0, cut);
        }
        var location = e.getLocation();
        String at = location == null ? "" : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
        return (reason.length() > 160 ? reason.substring(0, 160) + "…" : reason) + at;
    }
}
