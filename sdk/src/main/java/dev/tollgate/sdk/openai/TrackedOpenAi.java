package dev.tollgate.sdk.openai;

import com.openai.client.OpenAIClient;
import com.openai.core.RequestOptions;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import dev.tollgate.sdk.CallSpec;
import dev.tollgate.sdk.CallTags;
import dev.tollgate.sdk.FailSafe;
import dev.tollgate.sdk.TokenUsage;
import dev.tollgate.sdk.TrackedCall;
import dev.tollgate.sdk.TrackedCompletion;
import dev.tollgate.sdk.TrackedStream;
import java.util.stream.Stream;

/**
 * An openai-java {@link OpenAIClient} whose calls are tracked. The calls read as the client's own,
 * with the wrapper in place of the client:
 *
 * <pre>{@code
 * TrackedOpenAi openai = TrackedOpenAi.wrap(client, tollgate);
 * ChatCompletion answer = openai.chat().completions().create(params);          // was client.chat()…
 * openai.with(CallTags.of("imperium", "chat_feature")).chat().completions().create(params);
 * }</pre>
 *
 * <p>Each call returns exactly what the client returned and throws what it threw. A streamed call asks
 * OpenAI for the usage chunk ({@code stream_options.include_usage}) and hides it from the application
 * unless the application asked for it too. For an OpenAI-compatible server, name its provider:
 * {@code TrackedOpenAi.wrap(client, tollgate).provider("groq")}.
 */
public final class TrackedOpenAi {

    private final OpenAIClient client;
    private final TrackedCompletion tracker;
    private final CallTags tags;
    private final String provider;

    private TrackedOpenAi(OpenAIClient client, TrackedCompletion tracker, CallTags tags, String provider) {
        this.client = client;
        this.tracker = tracker;
        this.tags = tags;
        this.provider = provider;
    }

    public static TrackedOpenAi wrap(OpenAIClient client, TrackedCompletion tracker) {
        return new TrackedOpenAi(client, tracker, CallTags.DEFAULTS, "openai");
    }

    /** The same client, its calls tagged with {@code value} (unset fields keep the configured defaults). */
    public TrackedOpenAi with(CallTags value) {
        return new TrackedOpenAi(client, tracker, value, provider);
    }

    /** The same client, its calls recorded under another provider name (an OpenAI-compatible server). */
    public TrackedOpenAi provider(String name) {
        CallSpec.of(name, "any"); // checks the name as every event will carry it
        return new TrackedOpenAi(client, tracker, tags, name);
    }

    /** The wrapped client, for calls that are not tracked. */
    public OpenAIClient unwrap() {
        return client;
    }

    public Chat chat() {
        return new Chat();
    }

    public Embeddings embeddings() {
        return new Embeddings();
    }

    private TrackedCall start(String model, String endpoint, boolean stream) {
        CallSpec spec = CallSpec.of(provider, model == null || model.isBlank() ? "unknown" : model).tagged(tags).endpoint(endpoint);
        return tracker.start(stream ? spec.streaming() : spec);
    }

    /** {@code chat()} of the client. */
    public final class Chat {
        private Chat() {
        }

        public Completions completions() {
            return new Completions();
        }
    }

    /** {@code chat().completions()} of the client. */
    public final class Completions {
        private Completions() {
        }

        public ChatCompletion create(ChatCompletionCreateParams params) {
            return create(params, RequestOptions.none());
        }

        public ChatCompletion create(ChatCompletionCreateParams params, RequestOptions options) {
            TrackedCall call = start(params.model().asString(), "chat", false);
            ChatCompletion answer;
            try {
                answer = client.chat().completions().create(params, options);
            } catch (RuntimeException e) {
                call.failed(OpenAiUsage.failure(e), TokenUsage.NONE);
                throw e;
            }
            FailSafe.run("read an OpenAI chat completion's usage", () -> {
                call.answeredBy(answer.model());
                call.providerRequestId(answer.id());
            });
            call.succeeded(FailSafe.get("read an OpenAI chat completion's usage",
                    () -> answer.usage().map(OpenAiUsage::of).orElse(TokenUsage.NONE), TokenUsage.NONE));
            return answer;
        }

        public StreamResponse<ChatCompletionChunk> createStreaming(ChatCompletionCreateParams params) {
            return createStreaming(params, RequestOptions.none());
        }

        public StreamResponse<ChatCompletionChunk> createStreaming(ChatCompletionCreateParams params, RequestOptions options) {
            TrackedCall call = start(params.model().asString(), "chat", true);
            boolean callerWantsUsage = params.streamOptions().flatMap(ChatCompletionStreamOptions::includeUsage).orElse(false);
            ChatCompletionCreateParams sent = callerWantsUsage ? params
                    : FailSafe.get("ask OpenAI for a stream's usage", () -> withUsage(params), params);
            StreamResponse<ChatCompletionChunk> upstream;
            try {
                upstream = client.chat().completions().createStreaming(sent, options);
            } catch (RuntimeException e) {
                call.failed(OpenAiUsage.failure(e), TokenUsage.NONE);
                throw e;
            }
            Stream<ChatCompletionChunk> chunks = upstream.stream();
            return new FollowedStream(new TrackedStream<>(chunks.iterator(), upstream, new ChunkObserver(call, callerWantsUsage)));
        }

        private ChatCompletionCreateParams withUsage(ChatCompletionCreateParams params) {
            ChatCompletionStreamOptions options = params.streamOptions()
                    .map(o -> o.toBuilder().includeUsage(true).build())
                    .orElseGet(() -> ChatCompletionStreamOptions.builder().includeUsage(true).build());
            return params.toBuilder().streamOptions(options).build();
        }
    }

    /** {@code embeddings()} of the client. */
    public final class Embeddings {
        private Embeddings() {
        }

        public CreateEmbeddingResponse create(EmbeddingCreateParams params) {
            return create(params, RequestOptions.none());
        }

        public CreateEmbeddingResponse create(EmbeddingCreateParams params, RequestOptions options) {
            TrackedCall call = start(params.model().asString(), "embeddings", false);
            CreateEmbeddingResponse answer;
            try {
                answer = client.embeddings().create(params, options);
            } catch (RuntimeException e) {
                call.failed(OpenAiUsage.failure(e), TokenUsage.NONE);
                throw e;
            }
            FailSafe.run("read an OpenAI embedding's model", () -> call.answeredBy(answer.model()));
            call.succeeded(FailSafe.get("read an OpenAI embedding's usage",
                    () -> TokenUsage.of(answer.usage().promptTokens(), 0), TokenUsage.NONE));
            return answer;
        }
    }

    /** The client's stream as the application reads it, followed for the call's event. */
    private static final class FollowedStream implements StreamResponse<ChatCompletionChunk> {
        private final TrackedStream<ChatCompletionChunk> followed;

        FollowedStream(TrackedStream<ChatCompletionChunk> followed) {
            this.followed = followed;
        }

        @Override
        public Stream<ChatCompletionChunk> stream() {
            return followed.stream();
        }

        @Override
        public void close() {
            followed.close();
        }
    }

    /** Reads time to first token, the model and the usage chunk from the stream; records the call at its end. */
    private static final class ChunkObserver implements TrackedStream.Observer<ChatCompletionChunk> {
        private final TrackedCall call;
        private final boolean callerWantsUsage;
        private TokenUsage usage;
        private long chars;

        ChunkObserver(TrackedCall call, boolean callerWantsUsage) {
            this.call = call;
            this.callerWantsUsage = callerWantsUsage;
        }

        @Override
        public void piece(ChatCompletionChunk chunk) {
            call.answeredBy(chunk.model());
            call.providerRequestId(chunk.id());
            for (ChatCompletionChunk.Choice choice : chunk.choices()) {
                ChatCompletionChunk.Choice.Delta delta = choice.delta();
                long text = delta.content().map(String::length).orElse(0) + delta.refusal().map(String::length).orElse(0);
                boolean tools = delta.toolCalls().map(list -> !list.isEmpty()).orElse(false);
                if (text > 0 || tools) {
                    call.firstToken();
                }
                chars += text;
                if (tools) {
                    for (ChatCompletionChunk.Choice.Delta.ToolCall t : delta.toolCalls().get()) {
                        chars += t.function().flatMap(ChatCompletionChunk.Choice.Delta.ToolCall.Function::arguments).map(String::length).orElse(0);
                    }
                }
            }
            chunk.usage().ifPresent(u -> usage = OpenAiUsage.of(u));
        }

        @Override
        public boolean visible(ChatCompletionChunk chunk) {
            return callerWantsUsage || !(chunk.choices().isEmpty() && chunk.usage().isPresent());
        }

        @Override
        public void ended() {
            call.succeeded(usageOrEstimate());
        }

        @Override
        public void failed(RuntimeException error) {
            call.failed(OpenAiUsage.failure(error), usageOrEstimate());
        }

        @Override
        public void closedEarly() {
            call.succeeded(usageOrEstimate());
        }

        private TokenUsage usageOrEstimate() {
            return usage != null ? usage : TokenUsage.of(0, OpenAiUsage.estimateTokens(chars)).asEstimate();
        }
    }
}
