package dev.tollgate.model;

import java.util.List;

/**
 * One chat message in canonical form. {@code toolCalls} is set on assistant messages that call tools,
 * {@code toolCallId} on tool results.
 */
public record Message(Role role, List<ContentPart> content, List<ToolCall> toolCalls, String toolCallId, String name) {

    public Message {
        content = List.copyOf(content);
        toolCalls = List.copyOf(toolCalls);
    }

    public static Message text(Role role, String text) {
        return new Message(role, List.of(new ContentPart.Text(text)), List.of(), null, null);
    }

    /** The concatenated text parts, for token estimates and the simulated provider. */
    public String text() {
        StringBuilder out = new StringBuilder();
        for (ContentPart part : content) {
            if (part instanceof ContentPart.Text(String text)) {
                out.append(text);
            }
        }
        return out.toString();
    }
}
