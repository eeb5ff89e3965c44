package dev.tollgate.sdk.anthropic;

import com.anthropic.client.AnthropicClient;
import com.anthropic.core.RequestOptions;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.MessageDeltaUsage;
import com.anthropic.models.messages.OutputTokensDetails;
import com.anthropic.models.messages.RawContentBlockDelta;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.Usage;
import dev.tollgate.sdk.CallSpec;
import dev.tollgate.sdk.CallTags;
import dev.tollgate.sdk.FailSafe;
import dev.tollgate.sdk.TokenUsage;
import dev.tollgate.sdk.TrackedCall;
import dev.tollgate.sdk.TrackedCompletion;
import dev.tollgate.sdk.TrackedStream;
import java.util.stream.Stream;

/**
 * An anthropic-java {@link AnthropicClient} whose calls are tracked, read as the client's own:
 *
 * <pre>{@code
 * TrackedAnthropic claude = TrackedAnthropic.wrap(client, tollgate);
 * Message answer = claude.messages().create(params);                       // was client.messages()…
 * try (StreamResponse<RawMessageStreamEvent> s = claude.with(CallTags.agent("imperium")).messages().createStreaming(params)) { … }
 * }</pre>
 *
 * <p>Usage comes from the message ({@code usage}) or, streamed, from {@code message_start} (the prompt,
 * cache reads and writes) and the last {@code message_delta} (the output); the time to first token is
 * the first {@code content_block_delta}.
 */
public final class TrackedAnthropic {

    private final AnthropicClient client;
    private final TrackedCompletion tracker;
    private final CallTags tags;

    private TrackedAnthropic(AnthropicClient client, TrackedCompletion tracker, CallTags tags) {
        this.client = client;
        this.tracker = tracker;
        this.tags = tags;
    }

    public static TrackedAnthropic wrap(AnthropicClient client, TrackedCompletion tracker) {
        return new TrackedAnthropic(client, tracker, CallTags.DEFAULTS);
    }

    /** The same client, its calls tagged with {@code value} (unset fields keep the configured defaults). */
    public TrackedAnthropic with(CallTags value) {
        return new TrackedAnthropic(client, tracker, value);
    }

    public AnthropicClient unwrap() {
        return client;
    }

    public Messages messages() {
        return new Messages();
    }

    private TrackedCall start(MessageCreateParams params, boolean stream) {
        String model = FailSafe.get("read an Anthropic request's model", () -> params.model().asString(), "unknown");
        CallSpec spec = CallSpec.of("anthropic", model.isBlank() ? "unknown" : model).tagged(tags);
        return tracker.start(stream ? spec.streaming() : spec);
    }

    /** {@code messages()} of the client. */
    public final class Messages {
        private Messages() {
        }

        public Message create(MessageCreateParams params) {
            return create(params, RequestOptions.none());
        }

        public Message create(MessageCreateParams params, RequestOptions options) {
            TrackedCall call = start(params, false);
            Message answer;
            try {
                answer = client.messages().create(params, options);
            } catch (RuntimeException e) {
                call.failed(AnthropicUsage.failure(e), TokenUsage.NONE);
                throw e;
            }
            FailSafe.run("read an Anthropic message's model", () -> {
                call.answeredBy(answer.model().asString());
                call.providerRequestId(answer.id());
            });
            call.succeeded(FailSafe.get("read an Anthropic message's usage", () -> AnthropicUsage.of(answer.usage()), TokenUsage.NONE));
            return answer;
        }

        public StreamResponse<RawMessageStreamEvent> createStreaming(MessageCreateParams params) {
            return createStreaming(params, RequestOptions.none());
        }

        public StreamResponse<RawMessageStreamEvent> createStreaming(MessageCreateParams params, RequestOptions options) {
            TrackedCall call = start(params, true);
            StreamResponse<RawMessageStreamEvent> upstream;
            try {
                upstream = client.messages().createStreaming(params, options);
            } catch (RuntimeException e) {
                call.failed(AnthropicUsage.failure(e), TokenUsage.NONE);
                throw e;
            }
            return new FollowedStream(new TrackedStream<>(upstream.stream().iterator(), upstream, new EventObserver(call)));
        }
    }

    private static final class FollowedStream implements StreamResponse<RawMessageStreamEvent> {
        private final TrackedStream<RawMessageStreamEvent> followed;

        FollowedStream(TrackedStream<RawMessageStreamEvent> followed) {
            this.followed = followed;
        }

        @Override
        public Stream<RawMessageStreamEvent> stream() {
            return followed.stream();
        }

        @Override
        public void close() {
            followed.close();
        }
    }

    /** Collects the counts of {@code message_start} and {@code message_delta}; records the call at the stream's end. */
    private static final class EventObserver implements TrackedStream.Observer<RawMessageStreamEvent> {
        private final TrackedCall call;
        private long input;
        private long cacheRead;
        private long cacheCreation;
        private long output;
        private long thinking;
        private boolean finalOutput;
        private long chars;

        EventObserver(TrackedCall call) {
            this.call = call;
        }

        @Override
        public void piece(RawMessageStreamEvent event) {
            if (event.isMessageStart()) {
                Message m = event.asMessageStart().message();
                call.answeredBy(m.model().asString());
                call.providerRequestId(m.id());
                Usage u = m.usage();
                input = u.inputTokens();
                cacheRead = u.cacheReadInputTokens().orElse(0L);
                cacheCreation = u.cacheCreationInputTokens().orElse(0L);
                output = u.outputTokens();
            } else if (event.isContentBlockDelta()) {
                call.firstToken();
                RawContentBlockDelta d = event.asContentBlockDelta().delta();
                chars += d.text().map(t -> t.text().length()).orElse(0)
                        + d.inputJson().map(j -> j.partialJson().length()).orElse(0)
                        + d.thinking().map(t -> t.thinking().length()).orElse(0);
            } else if (event.isMessageDelta()) {
                MessageDeltaUsage u = event.asMessageDelta().usage();
                output = u.outputTokens();
                finalOutput = true;
                input = u.inputTokens().orElse(input);
                cacheRead = u.cacheReadInputTokens().orElse(cacheRead);
                cacheCreation = u.cacheCreationInputTokens().orElse(cacheCreation);
                thinking = u.outputTokensDetails().map(OutputTokensDetails::thinkingTokens).orElse(thinking);
            }
        }

        @Override
        public void ended() {
            call.succeeded(usage());
        }

        @Override
        public void failed(RuntimeException error) {
            call.failed(AnthropicUsage.failure(error), usage());
        }

        @Override
        public void closedEarly() {
            call.succeeded(usage());
        }

        /** The counts so far; without a {@code message_delta} the output is estimated from the text delivered. */
        private TokenUsage usage() {
            if (finalOutput) {
                return AnthropicUsage.of(input, cacheRead, cacheCreation, output, thinking);
            }
            long estimate = Math.max(output, (chars + 3) / 4);
            return AnthropicUsage.of(input, cacheRead, cacheCreation, estimate, 0).asEstimate();
        }
    }
}
