package dev.tollgate.policy.cache;

import dev.tollgate.config.CacheConfig;
import dev.tollgate.model.ChatRequest;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.pipeline.DeliveredAnswer;
import dev.tollgate.pipeline.Ending;
import dev.tollgate.pipeline.RequestContext;
import dev.tollgate.policy.cache.semantic.SemanticNamespace;
import dev.tollgate.policy.cache.semantic.SemanticText;
import dev.tollgate.policy.cache.semantic.Strictness;
import dev.tollgate.provider.ProviderResponse;
import dev.tollgate.store.ExactCacheStore;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cache's part in one call: its keys (computed once, before any upstream sees the request), the lookup in
 * order (the workflow tier for a call that names a task and step; else exact, then semantic), single-flight
 * behind the exact or workflow key, and the fill from the delivered answer. Confined to the request's thread,
 * except that the fill runs where the call is settled (the same thread).
 */
final class CacheCall {

    private static final Logger LOG = LoggerFactory.getLogger(CacheCall.class);

    /** What was decided for the call before any lookup. */
    record Plan(String org, CacheConfig.Settings settings, CacheControl control, Optional<WorkflowStep> step) {
    }

    private final CachePolicy policy;
    private final RequestContext ctx;
    private final ChatRequest chat;
    private final Plan plan;
    private final String model;
    /** The exact or workflow entry's key: the one single-flight and the exact store use; null when neither tier applies. */
    private final ExactCacheStore.Key key;
    private final String keyTier;
    private final Duration keyTtl;
    private final SemanticNamespace semantic;
    private final Strictness strictness;
    private SingleFlight.Flight led;

    CacheCall(CachePolicy policy, RequestContext ctx, ChatRequest chat, Plan plan) {
        this.policy = policy;
        this.ctx = ctx;
        this.chat = chat;
        this.plan = plan;
        this.model = ctx.requestedModel().orElseThrow();
        CacheConfig.Settings s = plan.settings();
        if (plan.step().isPresent()) {
            this.key = new ExactCacheStore.Key(plan.org(), RequestDigest.workflow(chat, plan.step().get()));
            this.keyTier = "workflow";
            this.keyTtl = plan.control().ttl().orElse(s.workflow().ttl());
            this.semantic = null;
        } else {
            this.key = s.exact().enabled() ? new ExactCacheStore.Key(plan.org(), RequestDigest.exact(chat, model)) : null;
            this.keyTier = "exact";
            this.keyTtl = plan.control().ttl().orElse(s.exact().ttl());
            boolean semanticOn = s.semantic().enabled() && SemanticText.of(chat).isPresent();
            this.semantic = semanticOn ? new SemanticNamespace(plan.org(), model, RequestDigest.semanticKey(chat)) : null;
        }
        this.strictness = Strictness.fromWire(s.strictness());
    }

    /** A stored answer for the call, replayed as the request asks (whole or streamed); empty on a miss. */
    Optional<ProviderResponse> lookup() {
        if (plan.control().noCache()) {
            return Optional.empty();
        }
        Optional<ProviderResponse> hit = key == null ? Optional.empty() : exactHit();
        if (hit.isEmpty() && semantic != null) {
            hit = semanticHit();
        }
        if (hit.isEmpty() && key != null && !policy.config.singleFlightWait().isZero()) {
            hit = singleFlight();
        }
        return hit;
    }

    private Optional<ProviderResponse> exactHit() {
        return policy.store.get(key).flatMap(this::decode).map(stored -> served(stored, keyTier));
    }

    private Optional<ProviderResponse> semanticHit() {
        return policy.semantic.lookup(semantic, chat, strictness).map(hit -> {
            ctx.responseHeader("x-tollgate-cache-similarity", String.format(Locale.ROOT, "%.4f", hit.similarity()));
            return served(hit.answer(), "semantic");
        });
    }

    /**
     * The first of identical concurrent misses leads (and looks once more: an answer may have landed between its
     * lookup and its seat); the others wait for it and look again. A follower that still misses calls on its own.
     */
    private Optional<ProviderResponse> singleFlight() {
        SingleFlight.Seat seat = policy.flights.join(key);
        if (seat.leader()) {
            led = seat.flight();
            Optional<ProviderResponse> landed = exactHit();
            if (landed.isPresent()) {
                land();
            }
            return landed;
        }
        if (!seat.flight().await(policy.config.singleFlightWait())) {
            LOG.debug("request {} waited {} for an identical call in flight; calling on its own", ctx.requestId(),
                    policy.config.singleFlightWait());
        }
        return exactHit();
    }

    private Optional<StoredAnswer> decode(byte[] bytes) {
        try {
            return Optional.of(StoredAnswer.decode(bytes));
        } catch (IllegalArgumentException e) {
            LOG.warn("a cache entry of org {} did not decode ({}); treated as a miss", plan.org(), e.getMessage());
            return Optional.empty();
        }
    }

    private ProviderResponse served(StoredAnswer stored, String tier) {
        ctx.servedFromCache(tier, stored.costUsd(), stored.provider().isEmpty() ? null : stored.provider(),
                stored.model().isEmpty() ? null : stored.model());
        return policy.replay.replay(stored, chat.stream());
    }

    /**
     * Asks for the call's answer once it is delivered in full, to store it in the call's tiers; a call that ends any
     * other way stores nothing. Either way the call's flight, if it leads one, lands after.
     */
    void fillWhenDelivered() {
        ctx.onDelivered((done, answer, billed) -> {
            try {
                fill(answer, billed);
            } finally {
                land();
            }
        });
        ctx.onSettle((done, billed) -> {
            if (done.ending().orElse(null) != Ending.DELIVERED) {
                land();
            }
        });
    }

    private void fill(DeliveredAnswer answer, UsageEvent billed) {
        if (!AnswerReplay.storable(answer)) {
            LOG.debug("answer of request {} not cached: a Responses API answer passed through from the upstream", ctx.requestId());
            return;
        }
        long now = policy.clock.millis();
        StoredAnswer stored = policy.replay.stored(answer, billed, now);
        if (key != null) {
            put(stored.expiringAt(now + keyTtl.toMillis()), bytes -> policy.store.put(key, model, bytes, keyTtl));
        }
        if (semantic != null) {
            Duration ttl = plan.control().ttl().orElse(plan.settings().semantic().ttl());
            put(stored.expiringAt(now + ttl.toMillis()), bytes -> policy.semantic.put(semantic, chat, strictness, bytes));
        }
    }

    private void put(StoredAnswer stored, java.util.function.Consumer<byte[]> into) {
        byte[] bytes = stored.encode();
        if (bytes.length > policy.config.maxEntryBytes()) {
            LOG.debug("answer of request {} not cached: {} bytes (max_entry_bytes {})", ctx.requestId(), bytes.length,
                    policy.config.maxEntryBytes());
            return;
        }
        into.accept(bytes);
    }

    private void land() {
        if (led != null) {
            policy.flights.land(key, led);
            led = null;
        }
    }
}
