package dev.tollgate.provider;

/**
 * One server-sent event of a streamed chat answer: the {@code data:} payload as OpenAI
 * {@code chat.completion.chunk} JSON bytes.
 *
 * @param usageOnly  the extra final chunk that carries only {@code usage}; dropped when the client did not ask for it
 * @param hasContent it carries generated content (text, tool call or refusal), not just a role or finish reason
 */
public record Chunk(byte[] json, boolean usageOnly, boolean hasContent) {
}
