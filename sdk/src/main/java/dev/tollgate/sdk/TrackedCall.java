package dev.tollgate.sdk;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One call being tracked, from its start to its end, which is recorded exactly once: the first of
 * {@link #succeeded} or {@link #failed} reports the event, later ones are ignored. None of the methods
 * throws. The wrappers use it; use it directly for calls the wrappers do not cover, streams included:
 *
 * <pre>{@code
 * TrackedCall call = tollgate.start(CallSpec.of("mistral", "mistral-large-latest").streaming());
 * // … first chunk arrives:
 * call.firstToken();
 * // … the stream ended with the provider's counts:
 * call.succeeded(TokenUsage.of(812, 64));
 * }</pre>
 */
public final class TrackedCall {

    private static final long UNSET = Long.MIN_VALUE;

    private final TrackedCompletion tracker;
    private final CallSpec spec;
    private final String eventId;
    private final Instant startedAt;
    private final long startNanos;
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile long firstTokenNanos = UNSET;
    private volatile String answeredModel;
    private volatile String providerRequestId;

    TrackedCall(TrackedCompletion tracker, CallSpec spec, String eventId, Instant startedAt) {
        this.tracker = tracker;
        this.spec = spec;
        this.eventId = eventId;
        this.startedAt = startedAt;
        this.startNanos = System.nanoTime();
    }

    /** The id Tollgate stores this call's event under, fixed from the start. */
    public String eventId() {
        return eventId;
    }

    public CallSpec spec() {
        return spec;
    }

    /** Marks the arrival of the first output; only the first mark counts (time to first token). */
    public void firstToken() {
        if (firstTokenNanos == UNSET) {
            firstTokenNanos = System.nanoTime();
        }
    }

    /** The model the provider says answered (a dated version of the requested one, often). */
    public void answeredBy(String model) {
        if (model != null && !model.isBlank()) {
            answeredModel = model;
        }
    }

    /** The provider's id of its answer, recorded as the event's request id unless the tags carry one. */
    public void providerRequestId(String id) {
        if (id != null && !id.isBlank()) {
            providerRequestId = id;
        }
    }

    public void succeeded(TokenUsage usage) {
        end(200, null, usage);
    }

    /** A failed call; {@code partial} holds what the provider counted before it failed ({@link TokenUsage#NONE} if nothing). */
    public void failed(int status, String errorCode, TokenUsage partial) {
        end(status, errorCode, partial);
    }

    public void failed(Failure failure, TokenUsage partial) {
        end(failure.status(), failure.code(), partial);
    }

    public boolean isEnded() {
        return ended.get();
    }

    private void end(int status, String errorCode, TokenUsage usage) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        long now = System.nanoTime();
        long first = firstTokenNanos;
        int recorded = status >= 100 && status <= 599 ? status : 500;
        FailSafe.run("record a tracked call", () -> {
            CallTags tags = spec.tags().orElse(tracker.config().defaults());
            String requestId = tags.requestId() != null ? tags.requestId() : providerRequestId;
            String model = answeredModel != null ? answeredModel : spec.model();
            tracker.record(new UsageRecord(eventId, startedAt, spec.provider(), model, usage == null ? TokenUsage.NONE : usage,
                    (now - startNanos) / 1_000_000, first == UNSET ? -1 : (first - startNanos) / 1_000_000, recorded, errorCode,
                    tags.agent(), tags.feature(), spec.stream(), requestId, spec.endpoint()));
        });
    }
}
