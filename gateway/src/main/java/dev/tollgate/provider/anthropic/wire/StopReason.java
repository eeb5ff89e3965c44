package dev.tollgate.provider.anthropic.wire;

/** Anthropic's {@code stop_reason} values and the OpenAI {@code finish_reason} each one means. */
public enum StopReason {
    END_TURN("end_turn", "stop"),
    STOP_SEQUENCE("stop_sequence", "stop"),
    MAX_TOKENS("max_tokens", "length"),
    TOOL_USE("tool_use", "tool_calls"),
    PAUSE_TURN("pause_turn", "stop"),
    REFUSAL("refusal", "content_filter"),
    MODEL_CONTEXT_WINDOW_EXCEEDED("model_context_window_exceeded", "length");

    private final String wireName;
    private final String finishReason;

    StopReason(String wireName, String finishReason) {
        this.wireName = wireName;
        this.finishReason = finishReason;
    }

    public String wireName() {
        return wireName;
    }

    /** OpenAI's {@code finish_reason} for an Anthropic stop reason; {@code stop} for one this version does not know. */
    public static String finishReasonOf(String wire) {
        for (StopReason r : values()) {
            if (r.wireName.equals(wire)) {
                return r.finishReason;
            }
        }
        return "stop";
    }
}
