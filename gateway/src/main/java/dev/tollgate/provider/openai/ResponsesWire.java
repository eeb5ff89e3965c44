package dev.tollgate.provider.openai;

import dev.tollgate.model.Usage;
import tools.jackson.databind.JsonNode;

/** What Tollgate reads from OpenAI's Responses API objects it passes through: the usage and the generated text. */
final class ResponsesWire {

    private ResponsesWire() {
    }

    /** A {@code response} object's usage ({@code input_tokens} include the cached ones), or {@code null} when it has none. */
    static Usage usageOf(JsonNode response) {
        JsonNode u = response.path("usage");
        if (!u.isObject()) {
            return null;
        }
        return new Usage(
                Math.max(0, u.path("input_tokens").asLong(0)),
                Math.max(0, u.path("output_tokens").asLong(0)),
                Math.max(0, u.path("input_tokens_details").path("cached_tokens").asLong(0)),
                Math.max(0, u.path("input_tokens_details").path("cache_write_tokens").asLong(0)),
                Math.max(0, u.path("output_tokens_details").path("reasoning_tokens").asLong(0)),
                false);
    }

    /** The text, refusals and function calls of a response's output, for estimating output when usage is missing. */
    static String contentOf(JsonNode response) {
        StringBuilder out = new StringBuilder();
        for (JsonNode item : response.path("output")) {
            out.append(item.path("name").asString("")).append(item.path("arguments").asString(""));
            for (JsonNode part : item.path("content")) {
                out.append(part.path("text").asString("")).append(part.path("refusal").asString(""));
            }
        }
        return out.toString();
    }
}
