package dev.tollgate.sdk.gemini;

import com.google.genai.Client;
import com.google.genai.ResponseStream;
import com.google.genai.types.Candidate;
import com.google.genai.types.Content;
import com.google.genai.types.GenerateContentConfig;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.Part;
import dev.tollgate.sdk.CallSpec;
import dev.tollgate.sdk.CallTags;
import dev.tollgate.sdk.FailSafe;
import dev.tollgate.sdk.TokenUsage;
import dev.tollgate.sdk.TrackedCall;
import dev.tollgate.sdk.TrackedCompletion;
import dev.tollgate.sdk.TrackedStream;
import java.util.List;
import java.util.function.Supplier;

/**
 * A Google Gen AI {@link Client} whose {@code models} calls are tracked, read as the client's own:
 *
 * <pre>{@code
 * TrackedGemini gemini = TrackedGemini.wrap(client, tollgate);
 * GenerateContentResponse r = gemini.models().generateContent("gemini-2.5-flash", "Hi", null);   // was client.models…
 * try (TrackedStream<GenerateContentResponse> s = gemini.models().generateContentStream("gemini-2.5-flash", "Hi", null)) {
 *     for (GenerateContentResponse piece : s) { … }
 * }
 * }</pre>
 *
 * <p>A complete response whose {@code usageMetadata} lacks {@code totalTokenCount} gets it filled in
 * (input + output, the same counts the event carries). A stream is returned as a {@link TrackedStream},
 * iterable and closeable like the client's {@code ResponseStream}.
 */
public final class TrackedGemini {

    private final Client client;
    private final TrackedCompletion tracker;
    private final CallTags tags;

    private TrackedGemini(Client client, TrackedCompletion tracker, CallTags tags) {
        this.client = client;
        this.tracker = tracker;
        this.tags = tags;
    }

    public static TrackedGemini wrap(Client client, TrackedCompletion tracker) {
        return new TrackedGemini(client, tracker, CallTags.DEFAULTS);
    }

    /** The same client, its calls tagged with {@code value} (unset fields keep the configured defaults). */
    public TrackedGemini with(CallTags value) {
        return new TrackedGemini(client, tracker, value);
    }

    public Client unwrap() {
        return client;
    }

    public Models models() {
        return new Models();
    }

    /** {@code models} of the client. */
    public final class Models {
        private Models() {
        }

        public GenerateContentResponse generateContent(String model, String text, GenerateContentConfig config) {
            return generate(model, () -> client.models.generateContent(model, text, config));
        }

        public GenerateContentResponse generateContent(String model, Content content, GenerateContentConfig config) {
            return generate(model, () -> client.models.generateContent(model, content, config));
        }

        public GenerateContentResponse generateContent(String model, List<Content> contents, GenerateContentConfig config) {
            return generate(model, () -> client.models.generateContent(model, contents, config));
        }

        public TrackedStream<GenerateContentResponse> generateContentStream(String model, String text, GenerateContentConfig config) {
            return stream(model, () -> client.models.generateContentStream(model, text, config));
        }

        public TrackedStream<GenerateContentResponse> generateContentStream(String model, Content content, GenerateContentConfig config) {
            return stream(model, () -> client.models.generateContentStream(model, content, config));
        }

        public TrackedStream<GenerateContentResponse> generateContentStream(String model, List<Content> contents,
                                                                            GenerateContentConfig config) {
            return stream(model, () -> client.models.generateContentStream(model, contents, config));
        }
    }

    private TrackedCall start(String model, boolean stream) {
        String name = model == null ? "" : model.startsWith("models/") ? model.substring("models/".length()) : model;
        CallSpec spec = CallSpec.of("gemini", name.isBlank() ? "unknown" : name).tagged(tags);
        return tracker.start(stream ? spec.streaming() : spec);
    }

    private GenerateContentResponse generate(String model, Supplier<GenerateContentResponse> request) {
        TrackedCall call = start(model, false);
        GenerateContentResponse answer;
        try {
            answer = request.get();
        } catch (RuntimeException e) {
            call.failed(GeminiUsage.failure(e), TokenUsage.NONE);
            throw e;
        }
        FailSafe.run("read a Gemini response's model", () -> {
            answer.modelVersion().ifPresent(call::answeredBy);
            answer.responseId().ifPresent(call::providerRequestId);
        });
        call.succeeded(FailSafe.get("read a Gemini response's usage",
                () -> answer.usageMetadata().map(GeminiUsage::of).orElse(TokenUsage.NONE), TokenUsage.NONE));
        return FailSafe.get("add a Gemini response's total token count", () -> GeminiUsage.withTotal(answer), answer);
    }

    private TrackedStream<GenerateContentResponse> stream(String model, Supplier<ResponseStream<GenerateContentResponse>> request) {
        TrackedCall call = start(model, true);
        ResponseStream<GenerateContentResponse> upstream;
        try {
            upstream = request.get();
        } catch (RuntimeException e) {
            call.failed(GeminiUsage.failure(e), TokenUsage.NONE);
            throw e;
        }
        return new TrackedStream<>(upstream.iterator(), upstream, new PieceObserver(call));
    }

    /** Keeps the latest {@code usageMetadata} (the last event carries the complete counts); records the call at the end. */
    private static final class PieceObserver implements TrackedStream.Observer<GenerateContentResponse> {
        private final TrackedCall call;
        private TokenUsage usage = TokenUsage.NONE;
        private boolean complete;
        private long chars;

        PieceObserver(TrackedCall call) {
            this.call = call;
        }

        @Override
        public void piece(GenerateContentResponse piece) {
            piece.modelVersion().ifPresent(call::answeredBy);
            piece.responseId().ifPresent(call::providerRequestId);
            long text = 0;
            for (Candidate c : piece.candidates().orElse(List.of())) {
                for (Part p : c.content().flatMap(Content::parts).orElse(List.of())) {
                    text += p.text().map(String::length).orElse(0);
                    if (p.functionCall().isPresent()) {
                        text += 1;
                    }
                }
            }
            if (text > 0) {
                call.firstToken();
                chars += text;
            }
            piece.usageMetadata().ifPresent(u -> {
                usage = GeminiUsage.of(u);
                complete = GeminiUsage.complete(u);
            });
        }

        @Override
        public void ended() {
            call.succeeded(usageOrEstimate());
        }

        @Override
        public void failed(RuntimeException error) {
            call.failed(GeminiUsage.failure(error), usageOrEstimate());
        }

        @Override
        public void closedEarly() {
            call.succeeded(usageOrEstimate());
        }

        private TokenUsage usageOrEstimate() {
            if (complete) {
                return usage;
            }
            return TokenUsage.of(usage.input(), Math.max(usage.output(), (chars + 3) / 4)).withCached(usage.cached()).asEstimate();
        }
    }
}
