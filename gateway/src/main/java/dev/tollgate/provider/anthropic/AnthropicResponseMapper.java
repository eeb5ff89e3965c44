package dev.tollgate.provider.anthropic;

import dev.tollgate.model.Usage;
import dev.tollgate.provider.UpstreamException;
import dev.tollgate.provider.anthropic.wire.AnthropicUsage;
import dev.tollgate.provider.anthropic.wire.StopReason;
import java.time.Clock;
import java.util.function.Function;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns an Anthropic {@code message} into OpenAI's {@code chat.completion}, the gateway's inner response
 * shape: text blocks joined into {@code content}, {@code tool_use} blocks into {@code tool_calls} with
 * their input as a JSON string, the stop reason into a {@code finish_reason}, and the usage with the
 * whole prompt as {@code prompt_tokens} (cache reads in {@code prompt_tokens_details.cached_tokens}).
 * Thinking blocks are not carried over: OpenAI's chat shape has no place for them. A client that speaks
 * Anthropic's dialect gets the message as it came ({@link #passthrough}).
 */
final class AnthropicResponseMapper {

    private final JsonMapper json;
    private final Clock clock;

    AnthropicResponseMapper(JsonMapper json, Clock clock) {
        this.json = json;
        this.clock = clock;
    }

    /** A translated answer and its usage. */
    record Translated(byte[] body, Usage usage) {
    }

    /**
     * The message as Anthropic sent it, for a client that speaks Anthropic's dialect: nothing dropped
     * (thinking blocks, citations, {@code stop_sequence}), and its usage.
     *
     * @param unreported the usage of an answer whose upstream reported none, from the content delivered
     *                   (Tollgate's own count: a call is never billed zero because a field was missing)
     * @throws UpstreamException of kind {@code PROTOCOL} when the body is not an Anthropic message
     */
    Translated passthrough(byte[] body, Function<String, Usage> unreported) {
        JsonNode message = message(body);
        if (message.path("usage").isObject()) {
            return new Translated(body, AnthropicUsage.of(message.get("usage")).toUsage());
        }
        StringBuilder delivered = new StringBuilder();
        for (JsonNode block : message.get("content")) {
            delivered.append(block.path("text").asString("")).append(block.path("thinking").asString(""));
            if (block.path("input").isObject()) {
                delivered.append(json.writeValueAsString(block.get("input")));
            }
        }
        return new Translated(body, unreported.apply(delivered.toString()));
    }

    /**
     * @param unreported the usage of an answer whose upstream reported none, from the content delivered
     * @throws UpstreamException of kind {@code PROTOCOL} when the body is not an Anthropic message
     */
    Translated completion(byte[] body, Function<String, Usage> unreported) {
        JsonNode message = message(body);
        JsonNode reported = message.path("usage").isObject() ? message.get("usage") : null;
        ObjectNode root = json.createObjectNode();
        root.put("id", message.path("id").asString("msg"));
        root.put("object", "chat.completion");
        root.put("created", clock.instant().getEpochSecond());
        root.put("model", message.path("model").asString(""));
        ObjectNode choice = root.putArray("choices").addObject().put("index", 0);
        ObjectNode out = choice.putObject("message").put("role", "assistant");
        StringBuilder text = new StringBuilder();
        ArrayNode calls = json.createArrayNode();
        for (JsonNode block : message.get("content")) {
            switch (block.path("type").asString("")) {
                case "text" -> text.append(block.path("text").asString(""));
                case "tool_use" -> calls.addObject().put("id", block.path("id").asString("")).put("type", "function")
                        .putObject("function").put("name", block.path("name").asString(""))
                        .put("arguments", json.writeValueAsString(block.path("input").isObject() ? block.get("input") : json.createObjectNode()));
                default -> {
                    // thinking, redacted_thinking and server-tool blocks have no OpenAI equivalent
                }
            }
        }
        if (text.isEmpty() && !calls.isEmpty()) {
            out.putNull("content");
        } else {
            out.put("content", text.toString());
        }
        if (!calls.isEmpty()) {
            out.set("tool_calls", calls);
        }
        out.putNull("refusal");
        choice.putNull("logprobs");
        choice.put("finish_reason", StopReason.finishReasonOf(message.path("stop_reason").asString(null)));
        Usage usage = reported != null ? AnthropicUsage.of(reported).toUsage() : unreported.apply(text + calls.toString());
        usage(root, usage);
        return new Translated(json.writeValueAsBytes(root), usage);
    }

    private JsonNode message(byte[] body) {
        JsonNode message;
        try {
            message = json.readTree(body);
        } catch (JacksonException e) {
            throw UpstreamException.of(UpstreamException.Kind.PROTOCOL, "upstream answered with malformed JSON");
        }
        if (!message.isObject() || !message.path("content").isArray()) {
            throw UpstreamException.of(UpstreamException.Kind.PROTOCOL, "upstream answered with something other than an Anthropic message");
        }
        return message;
    }

    /** OpenAI's usage object for {@code usage}; also the usage of a stream's last chunk. */
    static void usage(ObjectNode root, Usage usage) {
        ObjectNode u = root.putObject("usage");
        u.put("prompt_tokens", usage.inputTokens()).put("completion_tokens", usage.outputTokens())
                .put("total_tokens", usage.totalTokens());
        u.putObject("prompt_tokens_details").put("cached_tokens", usage.cachedTokens());
        u.putObject("completion_tokens_details").put("reasoning_tokens", usage.reasoningTokens());
    }
}
