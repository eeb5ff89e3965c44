package dev.tollgate.provider;

import tools.jackson.databind.node.ObjectNode;

/**
 * One server-sent event of a streamed chat answer: the {@code data:} payload as OpenAI
 * {@code chat.completion.chunk} JSON bytes, or, in a stream passed through in the upstream's own dialect
 * ({@link Wire#ANTHROPIC}), that dialect's event data with the event's name.
 *
 * @param usageOnly  the extra final chunk that carries only {@code usage}; dropped when the client did not ask for it
 * @param hasContent it carries generated content (text, tool call or refusal), not just a role or finish reason
 * @param event      the event's name in a passed-through stream ({@code content_block_delta}); {@code null} for OpenAI chunks
 */
public record Chunk(byte[] json, boolean usageOnly, boolean hasContent, String event) {

    /** A {@code chat.completion.chunk}. */
    public Chunk(byte[] json, boolean usageOnly, boolean hasContent) {
        this(json, usageOnly, hasContent, null);
    }

    /**
     * Adds the one choice of a {@code chat.completion.chunk} being built (index 0, {@code logprobs} and
     * {@code finish_reason} null), as translating decoders and the simulator write it; returns its
     * {@code delta} to fill.
     */
    public static ObjectNode choiceDelta(ObjectNode chunk) {
        ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
        ObjectNode delta = choice.putObject("delta");
        choice.putNull("logprobs");
        choice.putNull("finish_reason");
        return delta;
    }
}
