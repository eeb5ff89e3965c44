package dev.tollgate.policy.routing.learned;

import dev.tollgate.model.ChatRequest;
import dev.tollgate.model.Message;
import dev.tollgate.model.Role;
import java.nio.file.Path;
import java.util.List;

/**
 * The learned prompt router the autopilot asks: how likely a call needs the strong model, and at a
 * quality preference, which tier it needs. Thread-safe; scoring a prompt takes microseconds and
 * allocates only its feature vector.
 *
 * <p>A conversation is scored by the text of its last user message, as RouteLLM's routers do: that is
 * the question the next answer must get right. Earlier turns and the system prompt are not read (a
 * long system prompt would otherwise make every call of an app look alike).
 */
public final class PromptRouter {

    private final RouterModel model;

    public PromptRouter(RouterModel model) {
        this.model = model;
    }

    /**
     * The router with the model shipped in the jar. The model is immutable, so it is read once per JVM
     * (about 8 MB of weights) and shared by every gateway the JVM starts.
     */
    public static PromptRouter bundled() {
        return new PromptRouter(Bundled.MODEL);
    }

    private static final class Bundled {
        static final RouterModel MODEL = RouterModelFile.bundled();
    }

    /** The router with a model file ({@code tollgate router train --out FILE}); a bad file gives a {@link RouterDataException}. */
    public static PromptRouter load(Path modelFile) {
        return new PromptRouter(RouterModelFile.read(modelFile));
    }

    public RouterModel model() {
        return model;
    }

    /** In [0, 1]; higher = more likely to need the strong model. */
    public double score(String prompt) {
        return model.score(prompt);
    }

    public double score(ChatRequest request) {
        return model.score(promptText(request.messages()));
    }

    public RouteChoice decide(ChatRequest request, QualityPreference preference) {
        return model.operatingPoints().decide(score(request), preference);
    }

    public RouteChoice decide(String prompt, QualityPreference preference) {
        return model.operatingPoints().decide(score(prompt), preference);
    }

    /** The last user message's text; a conversation with no user message is scored by its last message. */
    static String promptText(List<Message> messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i).role() == Role.USER) {
                return messages.get(i).text();
            }
        }
        return messages.isEmpty() ? "" : messages.getLast().text();
    }
}
