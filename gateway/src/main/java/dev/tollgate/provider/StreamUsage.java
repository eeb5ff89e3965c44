package dev.tollgate.provider;

import dev.tollgate.model.ChatRequest;
import dev.tollgate.model.Usage;
import dev.tollgate.usage.TokenCounter;

/**
 * The usage of one translated or relayed stream, for every stream decoder: the upstream's own count
 * once the stream completed; for a stream cut mid-way (or an upstream that reports nothing), the prompt
 * as the upstream counted it (else Tollgate's count of it) and the larger of the output reported so far
 * and Tollgate's count of the content delivered, flagged estimated. So no streamed call is billed zero.
 */
public final class StreamUsage {

    private final TokenCounter tokens;
    private final ChatRequest request;
    private final String model;
    private final StringBuilder delivered = new StringBuilder();

    public StreamUsage(TokenCounter tokens, ChatRequest request, String model) {
        this.tokens = tokens;
        this.request = request;
        this.model = model;
    }

    /** Content that reached the client: text, refusals, tool names and arguments. */
    public void delivered(String content) {
        delivered.append(content);
    }

    /** The usage: {@code reported} as it is when {@code complete}, else estimated as described above. */
    public Usage of(Usage reported, boolean complete) {
        if (reported != null && complete) {
            return reported;
        }
        long output = Math.max(tokens.count(model, delivered.toString()), reported == null ? 0 : reported.outputTokens());
        if (reported == null || reported.inputTokens() == 0) {
            return Usage.estimated(tokens.countPrompt(model, request.messages()), output);
        }
        return new Usage(reported.inputTokens(), output, reported.cachedTokens(), reported.cacheWriteTokens(), 0, true);
    }
}
