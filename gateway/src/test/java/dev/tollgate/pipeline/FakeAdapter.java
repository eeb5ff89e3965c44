package dev.tollgate.pipeline;

import dev.tollgate.config.ProviderConfig;
import dev.tollgate.config.ProviderKind;
import dev.tollgate.config.SimulatedConfig;
import dev.tollgate.config.TimeoutConfig;
import dev.tollgate.model.ChatRequest;
import dev.tollgate.model.Usage;
import dev.tollgate.provider.Chunk;
import dev.tollgate.provider.ChunkStream;
import dev.tollgate.provider.Deployment;
import dev.tollgate.provider.ProviderAdapter;
import dev.tollgate.provider.ProviderResponse;
import dev.tollgate.provider.UpstreamException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** An upstream in the test's hands: answers from a queue of scripted responses, counts its calls. */
public final class FakeAdapter implements ProviderAdapter {

    private final Deque<Supplier<ProviderResponse>> script = new ArrayDeque<>();
    public final List<String> models = new ArrayList<>();
    public final List<FakeStream> streams = new ArrayList<>();

    /** Answers the next call with a whole answer. */
    public FakeAdapter whole(String text, Usage usage) {
        script.add(() -> new ProviderResponse.Complete(text.getBytes(StandardCharsets.UTF_8), usage, Map.of()));
        return this;
    }

    /** Answers the next call with a stream of {@code pieces}; it fails after {@code failAfter} chunks when that is {@code >= 0}. */
    public FakeAdapter stream(List<String> pieces, Usage usage, int failAfter) {
        script.add(() -> {
            FakeStream s = new FakeStream(pieces, usage, failAfter);
            streams.add(s);
            return new ProviderResponse.Streaming(s, Map.of());
        });
        return this;
    }

    /** Answers the next call with a stream of {@code pieces} that all arrived at once, its end with them. */
    public FakeAdapter streamArrivedAtOnce(List<String> pieces, Usage usage) {
        script.add(() -> {
            FakeStream s = new FakeStream(pieces, usage, -1);
            s.allArrived = true;
            streams.add(s);
            return new ProviderResponse.Streaming(s, Map.of());
        });
        return this;
    }

    /** Fails the next call before answering. */
    public FakeAdapter failing(int status) {
        script.add(() -> {
            throw new UpstreamException(UpstreamException.Kind.STATUS, status, null, Map.of(), "upstream said " + status);
        });
        return this;
    }

    public int calls() {
        return models.size();
    }

    @Override
    public ProviderResponse chat(ChatRequest request, String upstreamModel) {
        models.add(upstreamModel);
        if (script.isEmpty()) {
            throw new AssertionError("the fake upstream got a call it was not scripted for");
        }
        return script.poll().get();
    }

    @Override
    public void close() {
    }

    /** A deployment of {@code name} (kind openai, serving every model) over this adapter. */
    public Deployment deployment(String name, String model) {
        return new Deployment(new ProviderConfig(name, ProviderKind.OPENAI, URI.create("http://127.0.0.1:9/v1"), Optional.empty(),
                List.of("*"), "", Map.of(), TimeoutConfig.DEFAULTS, SimulatedConfig.DEFAULTS), model, this);
    }

    /** Chunks whose JSON is their text; usage grows by one output token per chunk read until the end. */
    public static final class FakeStream implements ChunkStream {

        private final List<String> pieces;
        private final Usage complete;
        private final int failAfter;
        private int read;
        public boolean closed;
        private boolean allArrived;

        FakeStream(List<String> pieces, Usage complete, int failAfter) {
            this.pieces = pieces;
            this.complete = complete;
            this.failAfter = failAfter;
        }

        @Override
        public Chunk next() {
            if (failAfter >= 0 && read == failAfter) {
                throw UpstreamException.of(UpstreamException.Kind.BROKEN, "upstream stream was reset");
            }
            if (read == pieces.size()) {
                read++;
                return null;
            }
            return new Chunk(pieces.get(read++).getBytes(StandardCharsets.UTF_8), false, true);
        }

        @Override
        public boolean nextIsReady() {
            return allArrived && read <= pieces.size();
        }

        @Override
        public Usage usage() {
            return read > pieces.size() ? complete : Usage.estimated(complete.inputTokens(), read);
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
