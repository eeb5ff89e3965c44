package dev.tollgate.provider.simulated;

import dev.tollgate.model.ChatRequest;
import dev.tollgate.model.Message;
import dev.tollgate.model.Role;
import dev.tollgate.model.ToolDefinition;
import dev.tollgate.usage.TokenCounter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32;

/**
 * The simulated provider's deterministic answer to a request: the same request always gets the same
 * text (or tool call), with token counts as a real model's tokenizer would report them.
 *
 * @param toolCall      set when the answer calls a tool instead of replying with text
 * @param finishReason  {@code stop}, {@code length} or {@code tool_calls}
 */
record SimulatedAnswer(String id, String text, ToolDefinition toolCall, String finishReason, long promptTokens, long completionTokens) {

    private static final String[] WORDS = ("gateways meter every token so budgets stay exact while routing picks the "
            + "cheapest provider that fits and caching answers repeated prompts quickly with clear accounting")
            .split(" ");

    static SimulatedAnswer of(ChatRequest request, String model, TokenCounter tokens) {
        String lastUser = lastUserText(request.messages());
        long seed = crc(model + "\u0000" + lastUser);
        String id = "chatcmpl-sim" + Long.toHexString(seed);
        long prompt = tokens.countPrompt(model, request.messages());
        ToolDefinition tool = chosenTool(request);
        if (tool != null) {
            return new SimulatedAnswer(id, "{}", tool, "tool_calls", prompt, tokens.count(model, tool.name() + "{}"));
        }
        String full = compose(lastUser, seed);
        String text = full;
        String finish = "stop";
        if (request.maxTokens().isPresent()) {
            text = tokens.truncate(model, full, request.maxTokens().get());
            finish = text.equals(full) ? "stop" : "length";
        }
        return new SimulatedAnswer(id, text, null, finish, prompt, tokens.count(model, text));
    }

    private static String compose(String prompt, long seed) {
        String excerpt = prompt.strip().replaceAll("\\s+", " ");
        if (excerpt.length() > 60) {
            excerpt = excerpt.substring(0, 60) + "…";
        }
        StringBuilder out = new StringBuilder("Simulated answer to \"").append(excerpt).append("\":");
        int words = 8 + (int) (seed % 17);
        for (int i = 0; i < words; i++) {
            out.append(' ').append(WORDS[(int) (((seed >>> (i % 24)) + i) % WORDS.length)]);
        }
        return out.append('.').toString();
    }

    /** The tool the answer calls: the one {@code tool_choice} names, else the first when the user spoke last. */
    private static ToolDefinition chosenTool(ChatRequest request) {
        if (request.tools().isEmpty()) {
            return null;
        }
        var choice = request.body().get("tool_choice");
        if (choice != null && choice.isString() && choice.asString().equals("none")) {
            return null;
        }
        if (choice != null && choice.isObject()) {
            String name = choice.path("function").path("name").asString("");
            for (ToolDefinition tool : request.tools()) {
                if (tool.name().equals(name)) {
                    return tool;
                }
            }
        }
        List<Message> messages = request.messages();
        boolean userSpokeLast = !messages.isEmpty() && messages.getLast().role() == Role.USER;
        return userSpokeLast ? request.tools().getFirst() : null;
    }

    private static String lastUserText(List<Message> messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i).role() == Role.USER) {
                return messages.get(i).text();
            }
        }
        return "";
    }

    static long crc(String text) {
        CRC32 crc = new CRC32();
        crc.update(text.getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
    }
}
