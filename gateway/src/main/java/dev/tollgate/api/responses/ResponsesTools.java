package dev.tollgate.api.responses;

import static dev.tollgate.api.openai.JsonFields.bool;
import static dev.tollgate.api.openai.JsonFields.string;
import static dev.tollgate.api.openai.JsonFields.wrongType;

import dev.tollgate.pipeline.GatewayException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Responses API's function tools and {@code tool_choice} in Chat Completions' shape. The Responses
 * shape is flat ({@code {"type":"function","name":…,"parameters":…}}); chat nests it under
 * {@code function}. Built-in tools (web search, file search, …) are OpenAI's own services, which a
 * translated call cannot reach: they are left out of the translation, and the call can only be passed through
 * ({@link dev.tollgate.model.ChatRequest#passthroughOnly}); an attempt on a provider that translates refuses it.
 */
final class ResponsesTools {

    private ResponsesTools() {
    }

    static void tools(ObjectNode root, ObjectNode out) {
        JsonNode tools = root.get("tools");
        if (tools == null || tools.isNull()) {
            return;
        }
        if (!tools.isArray()) {
            throw wrongType("tools", "an array of tools", tools);
        }
        if (tools.isEmpty()) {
            return;
        }
        ArrayNode wire = out.putArray("tools");
        for (int i = 0; i < tools.size(); i++) {
            String at = "tools[" + i + "]";
            JsonNode tool = tools.get(i);
            if (!tool.isObject()) {
                throw wrongType(at, "a tool object", tool);
            }
            String type = string(tool, "type", at + ".type", 64).orElse("");
            if (!type.equals("function")) {
                builtIn(type, at + ".type");
                continue;
            }
            String name = string(tool, "name", at + ".name", 64)
                    .orElseThrow(() -> GatewayException.badRequest(at + ".name", at + ".name: missing (expected: the function's name)"));
            ObjectNode function = wire.addObject().put("type", "function").putObject("function").put("name", name);
            string(tool, "description", at + ".description", Integer.MAX_VALUE).ifPresent(d -> function.put("description", d));
            JsonNode parameters = tool.get("parameters");
            if (parameters != null && !parameters.isNull()) {
                if (!parameters.isObject()) {
                    throw wrongType(at + ".parameters", "a JSON Schema object", parameters);
                }
                function.set("parameters", parameters);
            }
            if (tool.hasNonNull("strict")) {
                function.put("strict", bool(tool, "strict", at + ".strict"));
            }
        }
        if (wire.isEmpty()) {
            out.remove("tools");
        }
    }

    /** A built-in tool's type is OpenAI's to judge; it must at least look like one ({@code web_search_preview}). */
    private static void builtIn(String type, String at) {
        if (!type.matches("[a-z][a-z0-9_]{0,63}")) {
            throw GatewayException.badRequest(at, at + ": '" + type + "' (expected: function, or a built-in tool's type such as web_search)");
        }
    }

    static void toolChoice(ObjectNode root, ObjectNode out) {
        JsonNode choice = root.get("tool_choice");
        if (choice == null || choice.isNull()) {
            return;
        }
        if (choice.isString()) {
            String mode = choice.asString();
            if (!mode.matches("auto|none|required")) {
                throw GatewayException.badRequest("tool_choice", "tool_choice: '" + mode + "' (expected: auto, none, required or {\"type\":\"function\",\"name\":…})");
            }
            out.put("tool_choice", mode);
            return;
        }
        if (!choice.isObject()) {
            throw wrongType("tool_choice", "a string or an object such as {\"type\":\"function\",\"name\":…}", choice);
        }
        String type = string(choice, "type", "tool_choice.type", 64).orElse("");
        if (!type.equals("function")) {
            builtIn(type, "tool_choice.type");
            return;
        }
        String name = string(choice, "name", "tool_choice.name", 64)
                .orElseThrow(() -> GatewayException.badRequest("tool_choice.name", "tool_choice.name: missing (expected: the function's name)"));
        out.putObject("tool_choice").put("type", "function").putObject("function").put("name", name);
    }
}
