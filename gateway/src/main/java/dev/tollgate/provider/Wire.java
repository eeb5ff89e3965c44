package dev.tollgate.provider;

/**
 * The shape an answer is in. Inside the gateway answers are OpenAI's ({@code chat.completion} and
 * {@code chat.completion.chunk}), which every inbound dialect can translate from; an answer to a client
 * that spoke the upstream's own dialect is passed through in that dialect instead, so that nothing the
 * translation has no place for is lost (Anthropic's thinking blocks, citations, the matched stop sequence).
 */
public enum Wire {
    /** OpenAI's chat completion and chunk JSON: the gateway's inner shape. */
    OPENAI,
    /** Anthropic's {@code message} and its stream's events, each chunk one event (its name in {@link Chunk#event()}). */
    ANTHROPIC,
    /** OpenAI's Responses API: a {@code response} object, or its stream's events (each chunk one event, its type in {@link Chunk#event()}). */
    RESPONSES
}
