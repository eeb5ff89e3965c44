package dev.tollgate.model;

import java.util.List;
import java.util.Optional;
import tools.jackson.databind.node.ObjectNode;

/**
 * A chat call in canonical form, whichever dialect it arrived in.
 *
 * <p>{@code body} is the request as the client sent it in OpenAI's shape. Same-dialect passthrough
 * forwards it with minimal edits, so fields Tollgate does not model (and future ones) survive; the typed
 * fields are what policies and translating adapters read.
 *
 * @param model            the model the client asked for; empty for autopilot ({@code auto}, {@code tollgate} or none)
 * @param clientWantsUsage the client itself asked for {@code stream_options.include_usage}
 * @param maxTokens        {@code max_completion_tokens} or {@code max_tokens}, when given
 * @param anthropicBody    the client's own body when it spoke Anthropic's Messages dialect, so an Anthropic
 *                         upstream gets it losslessly (model name replaced); {@code body} is its OpenAI-shaped translation
 * @param responsesBody    the client's own body when it spoke the Responses API and can be passed through as it is
 *                         (no {@code previous_response_id}, which only Tollgate's kept conversation resolves), so an
 *                         upstream that serves {@code /responses} gets it losslessly; {@code body} is its chat translation
 */
public record ChatRequest(
        Optional<String> model,
        boolean stream,
        boolean clientWantsUsage,
        Optional<Integer> maxTokens,
        List<Message> messages,
        List<ToolDefinition> tools,
        ObjectNode body,
        Optional<ObjectNode> anthropicBody,
        Optional<ObjectNode> responsesBody) implements CanonicalRequest {

    public ChatRequest {
        messages = List.copyOf(messages);
        tools = List.copyOf(tools);
    }

    /** A request that arrived in OpenAI's dialect. */
    public ChatRequest(Optional<String> model, boolean stream, boolean clientWantsUsage, Optional<Integer> maxTokens,
                       List<Message> messages, List<ToolDefinition> tools, ObjectNode body) {
        this(model, stream, clientWantsUsage, maxTokens, messages, tools, body, Optional.empty(), Optional.empty());
    }

    /**
     * The parameter of the first part of a Responses API request that only the upstream's own Responses API can serve
     * (a built-in tool such as {@code web_search}, or a {@code tool_choice} naming one), as its path
     * ({@code tools[1].type}); empty when the request can be translated.
     */
    public Optional<String> passthroughOnly() {
        if (responsesBody.isEmpty()) {
            return Optional.empty();
        }
        ObjectNode root = responsesBody.get();
        int i = 0;
        for (tools.jackson.databind.JsonNode tool : root.path("tools")) {
            if (!tool.path("type").asString("function").equals("function")) {
                return Optional.of("tools[" + i + "].type");
            }
            i++;
        }
        tools.jackson.databind.JsonNode choice = root.path("tool_choice");
        if (choice.isObject() && !choice.path("type").asString("function").equals("function")) {
            return Optional.of("tool_choice.type");
        }
        return Optional.empty();
    }

    /** A request that arrived in Anthropic's Messages dialect ({@code anthropicBody} present) or OpenAI's. */
    public ChatRequest(Optional<String> model, boolean stream, boolean clientWantsUsage, Optional<Integer> maxTokens,
                       List<Message> messages, List<ToolDefinition> tools, ObjectNode body, Optional<ObjectNode> anthropicBody) {
        this(model, stream, clientWantsUsage, maxTokens, messages, tools, body, anthropicBody, Optional.empty());
    }
}
