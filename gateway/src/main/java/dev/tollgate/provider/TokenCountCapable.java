package dev.tollgate.provider;

import dev.tollgate.model.ChatRequest;

/** An adapter whose upstream counts a request's input tokens itself (Anthropic's {@code /v1/messages/count_tokens}). */
public interface TokenCountCapable {

    /**
     * The upstream's count of the request's input tokens (messages, system prompt, tools). Not a call of
     * the model: nothing is generated and nothing is billed.
     *
     * @throws UpstreamException when the upstream could not count
     */
    long countTokens(ChatRequest request, String upstreamModel);
}
