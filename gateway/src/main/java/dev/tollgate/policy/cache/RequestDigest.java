package dev.tollgate.policy.cache;

import dev.tollgate.model.ChatRequest;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

/**
 * What selects a stored answer, as SHA-256 digests of canonical JSON ({@link CanonicalJson}). The request counts
 * as the client sent it (OpenAI's body, or Anthropic's own for {@code /v1/messages}), so every field that changes
 * the answer is in the key, including ones Tollgate does not model (and future ones): system prompt, messages,
 * tools, {@code tool_choice}, {@code response_format}, {@code temperature}, {@code top_p}, {@code seed}, max
 * tokens, {@code n}, {@code stop}, {@code thinking}, ... Left out are the fields that do not change the answer:
 * {@link #IGNORED}, and {@code model}, for which the resolved model stands.
 */
final class RequestDigest {

    /** Request fields that never change the answer: who asked, and how it is delivered. */
    static final Set<String> IGNORED = Set.of("model", "user", "metadata", "stream", "stream_options");

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private RequestDigest() {
    }

    /** {@code openai} or {@code anthropic}: answers are stored per client dialect, in the shape that dialect replays. */
    static String dialect(ChatRequest chat) {
        return chat.anthropicBody().isPresent() ? "anthropic" : "openai";
    }

    /** The exact tier's key: the resolved model and every field that changes the answer. */
    static String exact(ChatRequest chat, String model) {
        return CanonicalJson.sha256(List.of(text("exact"), text(dialect(chat)), text(model), answerFields(chat)));
    }

    /**
     * The workflow tier's key: the task, the step and the step's input (every field that changes the answer), but not
     * the model, so a resumed workflow gets the step's answer back even when routing picks another model now.
     */
    static String workflow(ChatRequest chat, WorkflowStep step) {
        return CanonicalJson.sha256(List.of(text("workflow"), text(dialect(chat)), text(step.taskId()), text(step.step()),
                answerFields(chat)));
    }

    /**
     * The part of a semantic namespace that is not the conversation: every field that changes the answer except the
     * messages (and Anthropic's {@code system}), which the semantic tier compares by meaning.
     */
    static String semanticKey(ChatRequest chat) {
        ObjectNode fields = answerFields(chat);
        fields.remove("messages");
        fields.remove("system");
        return CanonicalJson.sha256(List.of(text("semantic"), text(dialect(chat)), fields));
    }

    /** The client's body without the fields that do not change the answer. */
    static ObjectNode answerFields(ChatRequest chat) {
        ObjectNode body = chat.anthropicBody().orElse(chat.body());
        ObjectNode out = NODES.objectNode();
        for (String name : body.propertyNames()) {
            JsonNode value = body.get(name);
            // A null field asks for the default, as leaving it out does.
            if (!IGNORED.contains(name) && value != null && !value.isNull()) {
                out.set(name, value);
            }
        }
        return out;
    }

    private static StringNode text(String value) {
        return NODES.stringNode(value);
    }
}
