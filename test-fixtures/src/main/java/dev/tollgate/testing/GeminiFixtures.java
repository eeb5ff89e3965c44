package dev.tollgate.testing;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Gemini API wire shapes, copied from the documented examples of {@code models.generateContent} and
 * {@code models.streamGenerateContent} (Gemini API reference; text generation, function calling,
 * thinking and context caching guides) and of Google's error model:
 * <ul>
 *   <li>{@code GenerateContentResponse}: {@code candidates[].content.parts[]} with {@code text} or
 *       {@code functionCall {name, args}}, {@code role: "model"}, {@code finishReason}, {@code index},
 *       {@code safetyRatings}; {@code usageMetadata} with {@code promptTokenCount},
 *       {@code candidatesTokenCount}, {@code totalTokenCount}, and when used
 *       {@code cachedContentTokenCount} and {@code thoughtsTokenCount}; {@code modelVersion},
 *       {@code responseId}.</li>
 *   <li>A stream ({@code ?alt=sse}): one {@code data: GenerateContentResponse} event per piece, no
 *       {@code [DONE]}; early events carry only the prompt count in {@code usageMetadata}, the last one
 *       {@code finishReason} and the complete counts.</li>
 *   <li>A blocked prompt: {@code promptFeedback.blockReason} and no candidates.</li>
 *   <li>Errors: {@code {"error":{"code","message","status","details"}}}.</li>
 * </ul>
 */
public final class GeminiFixtures {

    public static final String DEFAULT_ANSWER = "Hello! How can I assist you today?";
    public static final Tokens DEFAULT_TOKENS = new Tokens(8, 10, 0, 0);
    public static final String RESPONSE_ID = "Vb9JaOnpHbXzz7IPmOrK-Qs";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private GeminiFixtures() {
    }

    /**
     * Counts of {@code usageMetadata}: {@code prompt} includes {@code cached}; {@code candidates}
     * excludes {@code thoughts}; {@code totalTokenCount} is prompt + candidates + thoughts.
     */
    public record Tokens(int prompt, int candidates, int cached, int thoughts) {

        public int total() {
            return prompt + candidates + thoughts;
        }
    }

    /** A complete answer with one text candidate. */
    public static String text(String model, String text, Tokens tokens) {
        return response(model, candidate(List.of(textPart(text)), "STOP"), tokens).toString();
    }

    /** A complete answer whose candidate calls {@code function} with {@code argsJson}. */
    public static String functionCall(String model, String function, String argsJson, Tokens tokens) {
        return response(model, candidate(List.of(callPart(function, argsJson)), "STOP"), tokens).toString();
    }

    /** A thinking model's function call: the part carries the {@code thoughtSignature} it wants back. */
    public static String signedFunctionCall(String model, String function, String argsJson, String signature, Tokens tokens) {
        ObjectNode part = callPart(function, argsJson).put("thoughtSignature", signature);
        return response(model, candidate(List.of(part), "STOP"), tokens).toString();
    }

    /** A complete answer that ended for {@code finishReason} after {@code text}. */
    public static String finished(String model, String text, String finishReason, Tokens tokens) {
        return response(model, candidate(List.of(textPart(text)), finishReason), tokens).toString();
    }

    /** The answer to a prompt Gemini refused: no candidates, {@code promptFeedback.blockReason}. */
    public static String blocked(String model, String reason, int promptTokens) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode feedback = root.putObject("promptFeedback").put("blockReason", reason);
        feedback.putArray("safetyRatings").addObject().put("category", "HARM_CATEGORY_DANGEROUS_CONTENT").put("probability", "HIGH");
        root.putObject("usageMetadata").put("promptTokenCount", promptTokens).put("totalTokenCount", promptTokens);
        root.put("modelVersion", model).put("responseId", RESPONSE_ID);
        return root.toString();
    }

    /** Stream events of a text answer split into {@code pieces}; the last carries {@code STOP} and the full usage. */
    public static List<String> events(String model, List<String> pieces, Tokens tokens) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < pieces.size(); i++) {
            boolean last = i == pieces.size() - 1;
            ObjectNode c = candidate(List.of(textPart(pieces.get(i))), last ? "STOP" : null);
            out.add(response(model, c, last ? tokens : null, tokens.prompt()).toString());
        }
        return out;
    }

    /** Stream events of a function call: Gemini sends each call whole, in one event. */
    public static List<String> functionCallEvents(String model, String function, String argsJson, Tokens tokens) {
        return List.of(response(model, candidate(List.of(callPart(function, argsJson)), "STOP"), tokens).toString());
    }

    /** Google's error body, {@code status} being the canonical code name (RESOURCE_EXHAUSTED, …). */
    public static MockResponse error(int code, String status, String message) {
        ObjectNode root = JSON.createObjectNode();
        root.putObject("error").put("code", code).put("message", message).put("status", status);
        return MockResponse.json(code, root.toString());
    }

    /** The documented 429 of an exhausted quota, with its QuotaFailure, Help and RetryInfo details. */
    public static MockResponse quotaExceeded(String retryDelay) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode error = root.putObject("error").put("code", 429)
                .put("message", "You exceeded your current quota, please check your plan and billing details. For more "
                        + "information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.")
                .put("status", "RESOURCE_EXHAUSTED");
        ArrayNode details = error.putArray("details");
        details.addObject().put("@type", "type.googleapis.com/google.rpc.QuotaFailure").putArray("violations").addObject()
                .put("quotaMetric", "generativelanguage.googleapis.com/generate_content_free_tier_requests")
                .put("quotaId", "GenerateRequestsPerMinutePerProjectPerModel-FreeTier");
        details.addObject().put("@type", "type.googleapis.com/google.rpc.Help").putArray("links").addObject()
                .put("description", "Learn more about Gemini API quotas").put("url", "https://ai.google.dev/gemini-api/docs/rate-limits");
        details.addObject().put("@type", "type.googleapis.com/google.rpc.RetryInfo").put("retryDelay", retryDelay);
        return MockResponse.json(429, root.toString());
    }

    /** The documented answer to a wrong API key: a 400 INVALID_ARGUMENT whose ErrorInfo reason is API_KEY_INVALID. */
    public static MockResponse invalidApiKey() {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode error = root.putObject("error").put("code", 400).put("message", "API key not valid. Please pass a valid API key.")
                .put("status", "INVALID_ARGUMENT");
        ArrayNode details = error.putArray("details");
        details.addObject().put("@type", "type.googleapis.com/google.rpc.ErrorInfo").put("reason", "API_KEY_INVALID")
                .put("domain", "googleapis.com").putObject("metadata").put("service", "generativelanguage.googleapis.com");
        details.addObject().put("@type", "type.googleapis.com/google.rpc.LocalizedMessage").put("locale", "en-US")
                .put("message", "API key not valid. Please pass a valid API key.");
        return MockResponse.json(400, root.toString());
    }

    /**
     * The mock's answer to a Gemini-shaped request: the default text, streamed in three events for
     * {@code :streamGenerateContent}, whole for {@code :generateContent}; a NOT_FOUND for other paths.
     */
    public static MockResponse answer(RecordedRequest request) {
        String path = request.path();
        int models = path.indexOf("/models/");
        int colon = path.lastIndexOf(':');
        if (models < 0 || colon < models) {
            return error(404, "NOT_FOUND", "Method not found.");
        }
        String model = path.substring(models + "/models/".length(), colon);
        String method = path.substring(colon + 1);
        if (method.startsWith("streamGenerateContent")) {
            return MockResponse.sse(events(model, List.of("Hello!", " How can I", " assist you today?"), DEFAULT_TOKENS));
        }
        if (method.equals("generateContent")) {
            return MockResponse.json(200, text(model, DEFAULT_ANSWER, DEFAULT_TOKENS));
        }
        return error(404, "NOT_FOUND", "models/" + model + " is not found for API version v1beta, or is not supported for "
                + method + ". Call ListModels to see the list of available models and their supported methods.");
    }

    private static ObjectNode response(String model, ObjectNode candidate, Tokens tokens) {
        return response(model, candidate, tokens, tokens.prompt());
    }

    /** A response; with {@code tokens} null, the usage holds only the prompt count, as early stream events do. */
    private static ObjectNode response(String model, ObjectNode candidate, Tokens tokens, int promptTokens) {
        ObjectNode root = JSON.createObjectNode();
        root.putArray("candidates").add(candidate);
        ObjectNode usage = root.putObject("usageMetadata");
        if (tokens == null) {
            usage.put("promptTokenCount", promptTokens).put("totalTokenCount", promptTokens);
        } else {
            usage.put("promptTokenCount", tokens.prompt()).put("candidatesTokenCount", tokens.candidates())
                    .put("totalTokenCount", tokens.total());
            if (tokens.cached() > 0) {
                usage.put("cachedContentTokenCount", tokens.cached());
            }
            if (tokens.thoughts() > 0) {
                usage.put("thoughtsTokenCount", tokens.thoughts());
            }
            usage.putArray("promptTokensDetails").addObject().put("modality", "TEXT").put("tokenCount", tokens.prompt());
            if (tokens.cached() > 0) {
                usage.putArray("cacheTokensDetails").addObject().put("modality", "TEXT").put("tokenCount", tokens.cached());
            }
        }
        root.put("modelVersion", model).put("responseId", RESPONSE_ID);
        return root;
    }

    private static ObjectNode candidate(List<ObjectNode> parts, String finishReason) {
        ObjectNode c = JSON.createObjectNode();
        ArrayNode p = c.putObject("content").putArray("parts");
        parts.forEach(p::add);
        ((ObjectNode) c.get("content")).put("role", "model");
        if (finishReason != null) {
            c.put("finishReason", finishReason);
        }
        c.put("index", 0);
        return c;
    }

    private static ObjectNode textPart(String text) {
        return JSON.createObjectNode().put("text", text);
    }

    private static ObjectNode callPart(String function, String argsJson) {
        ObjectNode part = JSON.createObjectNode();
        JsonNode args = JSON.readTree(argsJson);
        part.putObject("functionCall").put("name", function).set("args", args);
        return part;
    }
}
