package dev.tollgate.policy.cache.semantic;

import dev.tollgate.model.ChatRequest;
import dev.tollgate.model.ContentPart;
import dev.tollgate.model.Message;
import dev.tollgate.model.Role;
import dev.tollgate.model.ToolCall;
import java.util.List;
import java.util.Optional;

/**
 * What the semantic tier compares: the conversation, split into its last user message ({@code prompt}) and
 * everything before it ({@code context}: system and developer prompts, earlier turns, tool calls and results).
 * Both are embedded; a hit needs prompts that mean the same <em>and</em> the same context, so a follow-up question
 * ("and its population?") never hits the answer of another conversation.
 *
 * @param context the earlier conversation, one {@code role: text} line per message; empty for a single prompt
 * @param prompt  the text of the last user message
 */
public record SemanticText(String context, String prompt) {

    public SemanticText {
        if (context == null || prompt == null) {
            throw new IllegalArgumentException("context and prompt: null (expected: strings, context empty for a single prompt)");
        }
    }

    /** A single prompt with no conversation before it. */
    public static SemanticText of(String prompt) {
        return new SemanticText("", prompt);
    }

    /**
     * The conversation of a chat request, or empty when it cannot be compared as text: no messages, a last
     * message that is not the user's (a tool result the model must act on depends on exact values), a blank
     * last message, or any image, audio or file part (which the text embedding cannot see).
     */
    public static Optional<SemanticText> of(ChatRequest request) {
        List<Message> messages = request.messages();
        if (messages.isEmpty()) {
            return Optional.empty();
        }
        Message last = messages.getLast();
        if (last.role() != Role.USER || !textOnly(messages) || last.text().isBlank()) {
            return Optional.empty();
        }
        StringBuilder context = new StringBuilder();
        for (Message m : messages.subList(0, messages.size() - 1)) {
            render(m, context);
        }
        return Optional.of(new SemanticText(context.toString(), last.text()));
    }

    private static boolean textOnly(List<Message> messages) {
        for (Message m : messages) {
            for (ContentPart part : m.content()) {
                if (!(part instanceof ContentPart.Text)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static void render(Message m, StringBuilder out) {
        out.append(m.role().wireName());
        if (m.name() != null) {
            out.append(" (").append(m.name()).append(')');
        }
        out.append(": ").append(m.text());
        for (ToolCall call : m.toolCalls()) {
            out.append(" [calls ").append(call.name()).append(' ').append(call.arguments()).append(']');
        }
        out.append('\n');
    }
}
