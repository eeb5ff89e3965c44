package dev.tollgate.api.anthropic;

/**
 * Anthropic's {@code stop_reason} for the finish reason of an answer in the gateway's inner (OpenAI)
 * shape. The other direction (an Anthropic upstream's stop reason for OpenAI clients) belongs to the
 * Anthropic provider's wire records; the inbound dialect keeps its own mapping, so {@code api} never
 * depends on a provider's wire format.
 */
final class StopReasons {

    private StopReasons() {
    }

    /** {@code length} → {@code max_tokens}, tool calls → {@code tool_use}, {@code content_filter} → {@code refusal}, else {@code end_turn}. */
    static String of(String finishReason) {
        return switch (finishReason == null ? "stop" : finishReason) {
            case "length" -> "max_tokens";
            case "tool_calls", "function_call" -> "tool_use";
            case "content_filter" -> "refusal";
            default -> "end_turn";
        };
    }
}
