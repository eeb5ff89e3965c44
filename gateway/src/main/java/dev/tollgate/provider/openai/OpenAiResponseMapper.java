package dev.tollgate.provider.openai;

import dev.tollgate.model.Usage;
import dev.tollgate.provider.UpstreamException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads what Tollgate needs from OpenAI-shaped answers without rebuilding them: the {@code usage} of a
 * {@code chat.completion} or embeddings body (streaming parser, other fields skipped), and the usage and
 * content flags of one {@code chat.completion.chunk}.
 */
final class OpenAiResponseMapper {

    private final JsonMapper json;

    OpenAiResponseMapper(JsonMapper json) {
        this.json = json;
    }

    /**
     * The usage the upstream reported in a complete body, or {@code null} when it reported none.
     *
     * @throws UpstreamException of kind {@code PROTOCOL} when the body is not a JSON object
     */
    Usage usageOf(byte[] body) {
        try (JsonParser p = json.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw UpstreamException.of(UpstreamException.Kind.PROTOCOL, "upstream answered with something other than a JSON object");
            }
            Usage usage = null;
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if ("usage".equals(name) && value == JsonToken.START_OBJECT) {
                    usage = readUsage(p);
                } else {
                    p.skipChildren();
                }
            }
            return usage;
        } catch (JacksonException e) {
            throw UpstreamException.of(UpstreamException.Kind.PROTOCOL, "upstream answered with malformed JSON");
        }
    }

    /** Reads a usage object; the parser stands on its START_OBJECT and ends on its END_OBJECT. */
    private static Usage readUsage(JsonParser p) {
        long prompt = 0;
        long completion = 0;
        long cached = 0;
        long reasoning = 0;
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            switch (name) {
                case "prompt_tokens" -> prompt = count(p, value);
                case "completion_tokens" -> completion = count(p, value);
                case "prompt_tokens_details" -> cached = nested(p, value, "cached_tokens");
                case "completion_tokens_details" -> reasoning = nested(p, value, "reasoning_tokens");
                default -> p.skipChildren();
            }
        }
        return new Usage(prompt, completion, cached, reasoning, false);
    }

    private static long nested(JsonParser p, JsonToken value, String field) {
        if (value != JsonToken.START_OBJECT) {
            return 0;
        }
        long found = 0;
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if (field.equals(name)) {
                found = count(p, v);
            } else {
                p.skipChildren();
            }
        }
        return found;
    }

    private static long count(JsonParser p, JsonToken value) {
        return value == JsonToken.VALUE_NUMBER_INT ? Math.max(0, p.getLongValue()) : 0;
    }

    /** Usage from a parsed usage node (as in a stream's final chunk); {@code null} when absent or null. */
    static Usage usageOf(JsonNode node) {
        if (node == null || !node.isObject()) {
            return null;
        }
        return new Usage(
                Math.max(0, node.path("prompt_tokens").asLong(0)),
                Math.max(0, node.path("completion_tokens").asLong(0)),
                Math.max(0, node.path("prompt_tokens_details").path("cached_tokens").asLong(0)),
                Math.max(0, node.path("completion_tokens_details").path("reasoning_tokens").asLong(0)),
                false);
    }

    /** The generated text of a complete chat body, for estimating output when usage is missing. */
    String contentOf(byte[] body) {
        StringBuilder out = new StringBuilder();
        for (JsonNode choice : json.readTree(body).path("choices")) {
            JsonNode message = choice.path("message");
            out.append(message.path("content").asString(""));
            for (JsonNode call : message.path("tool_calls")) {
                out.append(call.path("function").path("name").asString(""))
                        .append(call.path("function").path("arguments").asString(""));
            }
        }
        return out.toString();
    }
}
