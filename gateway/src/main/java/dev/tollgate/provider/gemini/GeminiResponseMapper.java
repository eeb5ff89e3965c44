package dev.tollgate.provider.gemini;

import dev.tollgate.model.Usage;
import dev.tollgate.provider.UpstreamException;
import dev.tollgate.provider.gemini.wire.GenerateContentResponse;
import dev.tollgate.provider.gemini.wire.GenerateContentResponse.Candidate;
import dev.tollgate.provider.gemini.wire.GenerateContentResponse.UsageMetadata;
import dev.tollgate.provider.gemini.wire.Part;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Translates Gemini answers into OpenAI's {@code chat.completion} shape, and holds the rules the stream
 * decoder shares: finish reasons, tool-call ids, usage.
 *
 * <ul>
 *   <li>Text is the candidate's text parts, thought summaries left out. Function calls become
 *       {@code tool_calls} with ids {@code call_<n>} (Gemini gives none; its own {@code id} is used when
 *       it sends one) and the arguments as JSON text.</li>
 *   <li>Finish reasons: {@code STOP} is {@code stop}, or {@code tool_calls} when the candidate called a
 *       function; {@code MAX_TOKENS} is {@code length}; the safety family ({@code SAFETY},
 *       {@code RECITATION}, {@code BLOCKLIST}, {@code PROHIBITED_CONTENT}, {@code SPII},
 *       {@code IMAGE_SAFETY}) is {@code content_filter}; anything else is {@code stop}.</li>
 *   <li>A prompt Gemini refused outright ({@code promptFeedback.blockReason}, no candidates) is a 400
 *       with code {@code content_filter}, as OpenAI-compatible services answer a filtered prompt; it is
 *       not retried on another provider.</li>
 *   <li>Usage: input is {@code promptTokenCount} (cached tokens included) plus
 *       {@code toolUsePromptTokenCount}; cached is {@code cachedContentTokenCount}; output is
 *       {@code candidatesTokenCount + thoughtsTokenCount}, the thoughts also counted as reasoning.</li>
 * </ul>
 */
final class GeminiResponseMapper {

    private static final Set<String> FILTERED = Set.of("SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY");

    private final JsonMapper json;

    GeminiResponseMapper(JsonMapper json) {
        this.json = json;
    }

    /** A parsed answer or stream event. @throws UpstreamException {@code PROTOCOL} when it is not one */
    GenerateContentResponse read(byte[] body) {
        try {
            GenerateContentResponse response = json.readValue(body, GenerateContentResponse.class);
            if (response == null) {
                throw UpstreamException.of(UpstreamException.Kind.PROTOCOL, "upstream answered with something other than a JSON object");
            }
            return response;
        } catch (JacksonException e) {
            throw UpstreamException.of(UpstreamException.Kind.PROTOCOL, "upstream answered with malformed JSON");
        }
    }

    /** Refuses an answer whose prompt was blocked. */
    static void checkNotBlocked(GenerateContentResponse response, String provider) {
        if (response.candidates().isEmpty() && response.promptFeedback() != null && response.promptFeedback().blockReason() != null) {
            throw new UpstreamException(UpstreamException.Kind.STATUS, 400, "content_filter", Map.of(),
                    "upstream " + provider + " refused the prompt (blockReason " + response.promptFeedback().blockReason() + ")");
        }
    }

    /** The OpenAI {@code chat.completion} body of a complete answer. */
    ObjectNode completion(GenerateContentResponse response, String model, long created, Usage usage) {
        ObjectNode root = json.createObjectNode()
                .put("id", completionId(response))
                .put("object", "chat.completion")
                .put("created", created)
                .put("model", response.modelVersion() != null ? response.modelVersion() : model);
        ArrayNode choices = root.putArray("choices");
        for (Candidate candidate : response.candidates()) {
            ObjectNode choice = choices.addObject().put("index", candidate.indexOrZero());
            ObjectNode message = choice.putObject("message").put("role", "assistant");
            String text = text(candidate);
            if (text.isEmpty()) {
                message.putNull("content");
            } else {
                message.put("content", text);
            }
            int calls = 0;
            for (Part part : parts(candidate)) {
                if (part.functionCall() != null) {
                    ArrayNode toolCalls = message.has("tool_calls") ? (ArrayNode) message.get("tool_calls") : message.putArray("tool_calls");
                    toolCall(toolCalls.addObject(), part, calls++);
                }
            }
            message.putNull("refusal");
            choice.putNull("logprobs");
            choice.put("finish_reason", finishReason(candidate.finishReason(), calls > 0));
        }
        usage(root.putObject("usage"), usage);
        return root;
    }

    static String completionId(GenerateContentResponse response) {
        return "chatcmpl-" + (response.responseId() != null ? response.responseId() : "gemini-" + Long.toHexString(System.nanoTime()));
    }

    static Iterable<Part> parts(Candidate candidate) {
        return candidate.content() == null ? java.util.List.of() : candidate.content().parts();
    }

    /** The answer text of a candidate (or of one stream event's share of it), thought summaries left out. */
    static String text(Candidate candidate) {
        StringBuilder out = new StringBuilder();
        for (Part part : parts(candidate)) {
            if (part.text() != null && !Boolean.TRUE.equals(part.thought())) {
                out.append(part.text());
            }
        }
        return out.toString();
    }

    /** Fills an OpenAI tool call from a function-call part, the {@code n}-th of its candidate. */
    void toolCall(ObjectNode call, Part part, int n) {
        Part.FunctionCall fc = part.functionCall();
        call.put("id", fc.id() != null && !fc.id().isEmpty() ? fc.id() : "call_" + n).put("type", "function");
        call.putObject("function").put("name", fc.name())
                .put("arguments", fc.args() == null || fc.args().isNull() ? "{}" : json.writeValueAsString(fc.args()));
        if (part.thoughtSignature() != null) {
            call.putObject("extra_content").putObject("google").put("thought_signature", part.thoughtSignature());
        }
    }

    static String finishReason(String gemini, boolean calledFunctions) {
        if (gemini == null || gemini.equals("STOP")) {
            return calledFunctions ? "tool_calls" : "stop";
        }
        if (gemini.equals("MAX_TOKENS")) {
            return "length";
        }
        return FILTERED.contains(gemini) ? "content_filter" : calledFunctions ? "tool_calls" : "stop";
    }

    /** Usage in Tollgate's accounting; {@code null} when the answer carried no counts. */
    static Usage usageOf(UsageMetadata m) {
        if (m == null) {
            return null;
        }
        long input = count(m.promptTokenCount()) + count(m.toolUsePromptTokenCount());
        long thoughts = count(m.thoughtsTokenCount());
        return new Usage(input, count(m.candidatesTokenCount()) + thoughts, Math.min(count(m.cachedContentTokenCount()), input), thoughts, false);
    }

    /** A count as reported, where a negative one (never sent by Gemini) reads as none. */
    private static long count(long reported) {
        return Math.max(0, reported);
    }

    /** Writes usage in OpenAI's shape. */
    static void usage(ObjectNode u, Usage usage) {
        u.put("prompt_tokens", usage.inputTokens()).put("completion_tokens", usage.outputTokens())
                .put("total_tokens", usage.totalTokens());
        u.putObject("prompt_tokens_details").put("cached_tokens", usage.cachedTokens());
        u.putObject("completion_tokens_details").put("reasoning_tokens", usage.reasoningTokens());
    }

    /** What the candidates said, for estimating output when no usage came. */
    static String delivered(GenerateContentResponse response) {
        StringBuilder out = new StringBuilder();
        for (Candidate c : response.candidates()) {
            out.append(text(c));
            for (Part part : parts(c)) {
                if (part.functionCall() != null) {
                    out.append(part.functionCall().name()).append(part.functionCall().args());
                }
            }
        }
        return out.toString();
    }
}
