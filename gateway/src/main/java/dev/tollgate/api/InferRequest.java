package dev.tollgate.api;

import dev.tollgate.model.Principal;
import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.policy.routing.CallPreferences;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A checked {@code /infer} body: every field's type and range, the routing mode's consistency, and the caller's org.
 * Routing fields become the headers the chat routes read ({@link CallPreferences}), so both paths route alike.
 *
 * @param mode    {@code autopilot}, {@code guided} or {@code explicit}; without {@code routing_mode}: explicit with
 *                {@code model_override}, guided with a preference, else autopilot
 * @param headers header name → value for the pipeline
 */
record InferRequest(String mode, JsonNode messages, String modelOverride, Integer maxTokens, boolean stream, String taskId, String step,
                    Map<String, String> headers) {

    private static final Set<String> FIELDS = Set.of("prompt", "messages", "routing_mode", "quality_preference", "latency_preference",
            "latency_budget_ms", "cost_budget", "model_override", "organization_id", "task_id", "step", "max_tokens", "stream");
    private static final Set<String> MODES = Set.of("autopilot", "guided", "explicit");

    static InferRequest parse(JsonNode body, Principal caller) {
        for (String name : body.propertyNames()) {
            if (!FIELDS.contains(name)) {
                throw bad(name, name + ": unknown field (expected one of: " + String.join(", ", new java.util.TreeSet<>(FIELDS)) + ")");
            }
        }
        String org = string(body, "organization_id");
        if (org != null && !org.equals(caller.orgId())) {
            throw GatewayException.forbidden("org_mismatch", "organization_id: '" + org + "' is not the org of this key");
        }
        JsonNode messages = messages(body);
        Map<String, String> headers = new LinkedHashMap<>();
        String quality = preference(body, "quality_preference");
        String latency = string(body, "latency_preference");
        if (latency != null && !Set.of("low", "normal").contains(latency.toLowerCase(Locale.ROOT))) {
            throw bad("latency_preference", "latency_preference: '" + latency + "' (expected: low or normal)");
        }
        String override = string(body, "model_override");
        String mode = mode(body, override, quality != null || latency != null);
        put(headers, CallPreferences.QUALITY_HEADER, quality);
        put(headers, CallPreferences.LATENCY_HEADER, latency);
        Long budgetMs = whole(body, "latency_budget_ms", 1, 3_600_000);
        put(headers, CallPreferences.LATENCY_BUDGET_HEADER, budgetMs == null ? null : budgetMs.toString());
        JsonNode cost = body.get("cost_budget");
        if (cost != null && !cost.isNull()) {
            if (!cost.isNumber() || !(cost.asDouble() > 0) || Double.isInfinite(cost.asDouble())) {
                throw bad("cost_budget", "cost_budget: expected a number of US dollars > 0, such as 0.01");
            }
            headers.put(CallPreferences.COST_CEILING_HEADER, cost.asString());
        }
        Long max = whole(body, "max_tokens", 1, 1_000_000);
        JsonNode stream = body.get("stream");
        if (stream != null && !stream.isNull() && !stream.isBoolean()) {
            throw bad("stream", "stream: expected true or false");
        }
        return new InferRequest(mode, messages, override, max == null ? null : max.intValue(), stream != null && stream.asBoolean(false),
                string(body, "task_id"), string(body, "step"), headers);
    }

    private static String mode(JsonNode body, String override, boolean preferences) {
        String mode = string(body, "routing_mode");
        if (mode == null) {
            return override != null ? "explicit" : preferences ? "guided" : "autopilot";
        }
        mode = mode.toLowerCase(Locale.ROOT);
        if (!MODES.contains(mode)) {
            throw bad("routing_mode", "routing_mode: '" + mode + "' (expected: autopilot, guided or explicit)");
        }
        if (mode.equals("explicit") && override == null) {
            throw bad("model_override", "model_override: missing (expected: the model to use with routing_mode explicit)");
        }
        if (!mode.equals("explicit") && override != null) {
            throw bad("model_override", "model_override: only with routing_mode explicit (routing_mode is " + mode + ")");
        }
        if (mode.equals("autopilot") && preferences) {
            throw bad(body.has("quality_preference") ? "quality_preference" : "latency_preference",
                    "quality_preference and latency_preference: only with routing_mode guided (routing_mode is autopilot)");
        }
        return mode;
    }

    private static JsonNode messages(JsonNode body) {
        JsonNode prompt = body.get("prompt");
        JsonNode messages = body.get("messages");
        boolean hasPrompt = prompt != null && !prompt.isNull();
        boolean hasMessages = messages != null && !messages.isNull();
        if (hasPrompt == hasMessages) {
            throw bad(hasPrompt ? "messages" : "prompt", "prompt or messages: expected exactly one of them");
        }
        if (hasPrompt) {
            if (!prompt.isString() || prompt.asString().isBlank()) {
                throw bad("prompt", "prompt: expected a non-empty string");
            }
            JsonMapper json = JsonMapper.builder().build();
            var list = json.createArrayNode();
            list.addObject().put("role", "user").put("content", prompt.asString());
            return list;
        }
        if (!messages.isArray() || messages.isEmpty()) {
            throw bad("messages", "messages: expected a non-empty array of {role, content}");
        }
        return messages;
    }

    private static String preference(JsonNode body, String name) {
        JsonNode v = body.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isNumber() && v.asDouble() >= 0 && v.asDouble() <= 1) {
            return v.asString();
        }
        if (v.isString() && Set.of("cost", "balanced", "quality").contains(v.asString().toLowerCase(Locale.ROOT))) {
            return v.asString();
        }
        throw bad(name, name + ": expected cost, balanced, quality, or a number from 0 to 1");
    }

    private static String string(JsonNode body, String name) {
        JsonNode v = body.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isString() || v.asString().isBlank()) {
            throw bad(name, name + ": expected a non-empty string");
        }
        return v.asString();
    }

    private static Long whole(JsonNode body, String name, long min, long max) {
        JsonNode v = body.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < min || v.asLong() > max) {
            throw bad(name, name + ": expected a whole number from " + min + " to " + max);
        }
        return v.asLong();
    }

    private static void put(Map<String, String> headers, String name, String value) {
        if (value != null) {
            headers.put(name, value);
        }
    }

    private static GatewayException bad(String field, String message) {
        return GatewayException.badRequest(field, message);
    }

    /** The chat call, in OpenAI's shape: the override or {@code auto}, the messages, {@code max_tokens}, {@code stream}. */
    ObjectNode chat(JsonMapper json) {
        ObjectNode chat = json.createObjectNode().put("model", modelOverride == null ? "auto" : modelOverride);
        chat.set("messages", messages);
        if (maxTokens != null) {
            chat.put("max_tokens", maxTokens);
        }
        if (stream) {
            chat.put("stream", true);
        }
        return chat;
    }
}
