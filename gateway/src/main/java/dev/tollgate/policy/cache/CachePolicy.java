package dev.tollgate.policy.cache;

import dev.tollgate.config.CacheConfig;
import dev.tollgate.model.ChatRequest;
import dev.tollgate.pipeline.Endpoint;
import dev.tollgate.pipeline.RequestContext;
import dev.tollgate.policy.cache.semantic.SemanticCacheProvider;
import dev.tollgate.policy.cache.semantic.Strictness;
import dev.tollgate.store.ExactCacheStore;
import java.time.Clock;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * The cache's strategy, shared by every call: which tiers apply to a call ({@link #plan}), the stores behind them
 * (the exact store for the exact and workflow tiers, the semantic tier over the module's SPI), single-flight, and
 * invalidation. Says once at start which tiers answer and whether the semantic tier is available.
 */
public final class CachePolicy implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CachePolicy.class);

    /** What the policy is built from. */
    public record Parts(CacheConfig config, ExactCacheStore store, Optional<SemanticCacheProvider> semantic, JsonMapper json, Clock clock) {
    }

    /** What {@link #invalidate} removed, per tier (exact and workflow entries live in one store and are counted together). */
    public record Invalidated(long exactAndWorkflow, long semantic) {
    }

    final CacheConfig config;
    final ExactCacheStore store;
    final SemanticTier semantic;
    final AnswerReplay replay;
    final SingleFlight flights = new SingleFlight();
    final Clock clock;

    public CachePolicy(Parts parts) {
        this.config = parts.config();
        this.store = parts.store();
        this.clock = parts.clock();
        this.replay = new AnswerReplay(parts.json());
        this.semantic = new SemanticTier(parts.semantic(), strictnessInUse(config), config.semanticMaxEntries(), clock);
        LOG.info("{}", describe());
    }

    /** The strictness levels of every org with the semantic tier on: one index each. */
    private static Set<Strictness> strictnessInUse(CacheConfig config) {
        Set<Strictness> used = EnumSet.noneOf(Strictness.class);
        if (config.global().semantic().enabled()) {
            used.add(Strictness.fromWire(config.global().strictness()));
        }
        config.orgs().values().stream().filter(s -> s.semantic().enabled()).forEach(s -> used.add(Strictness.fromWire(s.strictness())));
        return used;
    }

    /** The start-up line: the tiers as configured for orgs without settings of their own, and the semantic module. */
    String describe() {
        CacheConfig.Settings g = config.global();
        String semanticState = switch (semantic.state()) {
            case UNAVAILABLE -> config.semanticAnywhere()
                    ? "enabled in the configuration but NOT available: the semantic module (tollgate-semantic) is not on the class path"
                    : "not available (the semantic module is not on the class path)";
            case DISABLED -> "available, off in the configuration";
            case LOADING, READY -> "available, loading its index in the background (" + semantic.description() + ")";
            case FAILED -> "available, failed to open";
        };
        return "cache: exact tier " + tier(g.exact()) + ", workflow tier " + tier(g.workflow()) + ", semantic tier " + tier(g.semantic())
                + (config.orgs().isEmpty() ? "" : "; " + config.orgs().size() + " org(s) with settings of their own")
                + "; semantic tier " + semanticState + "; exact store bound " + (config.maxBytes() >> 20) + " MiB";
    }

    private static String tier(CacheConfig.Tier t) {
        return t.enabled() ? "on (ttl " + t.ttl().toSeconds() + " s)" : "off";
    }

    /**
     * What the cache does for this call, or empty when nothing: not a chat call, a call asking for {@code n > 1}
     * choices, a Responses call with OpenAI's built-in tools, or every tier off for its org. The {@code X-Tollgate-Cache} and workflow headers are checked first,
     * whatever is enabled: a bad value is a 400 naming it.
     */
    Optional<CacheCall> plan(RequestContext ctx) {
        CacheControl control = CacheControl.parse(ctx.inbound().header(CacheControl.HEADER));
        Optional<WorkflowStep> step = WorkflowStep.of(ctx);
        if (ctx.endpoint() != Endpoint.CHAT || !(ctx.request().orElse(null) instanceof ChatRequest chat) || control.noStore()) {
            return Optional.empty();
        }
        String org = ctx.principal().orElseThrow(() -> new IllegalStateException("the cache stage runs after authentication")).orgId();
        CacheConfig.Settings settings = config.forOrg(org);
        boolean any = step.isPresent() ? settings.workflow().enabled() : settings.exact().enabled() || settings.semantic().enabled();
        // A Responses call with built-in tools: its key (the chat translation) cannot see them, so it is never cached.
        if (!any || choices(chat) > 1 || ctx.requestedModel().isEmpty() || chat.passthroughOnly().isPresent()) {
            return Optional.empty();
        }
        return Optional.of(new CacheCall(this, ctx, chat, new CacheCall.Plan(org, settings, control, step)));
    }

    /**
     * Calls asking for several choices are not cached: they ask for variety, and a replay would hand every caller the
     * same "random" samples.
     */
    private static int choices(ChatRequest chat) {
        return chat.body().path("n").asInt(1);
    }

    /** Removes every tier's entries of {@code org}, or only those of one resolved model. */
    public Invalidated invalidate(String org, Optional<String> model) {
        long exact = store.invalidate(org, model);
        long semanticRemoved = semantic.invalidate(org, model);
        LOG.info("cache invalidated for org {}{}: {} exact/workflow and {} semantic entries", org,
                model.map(m -> " model " + m).orElse(""), exact, semanticRemoved);
        return new Invalidated(exact, semanticRemoved);
    }

    /** The settings that apply to {@code org}. */
    public CacheConfig.Settings settings(String org) {
        return config.forOrg(org);
    }

    /** Where the semantic tier stands: {@code unavailable}, {@code disabled}, {@code loading}, {@code ready} or {@code failed}. */
    public String semanticState() {
        return semantic.state().name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The exact store's figures (all orgs). */
    public ExactCacheStore.Stats exactStats() {
        return store.stats();
    }

    /**
     * The semantic tier's figures (all orgs).
     *
     * @param state       {@code unavailable}, {@code disabled}, {@code loading}, {@code ready} or {@code failed}
     * @param droppedPuts answers not stored because the background queue was full
     */
    public record SemanticStats(String state, long entries, long bytes, long maxEntries, long droppedPuts) {
    }

    public SemanticStats semanticStats() {
        SemanticTier.Stats s = semantic.stats();
        return new SemanticStats(semanticState(), s.entries(), s.bytes(), s.maxEntries(), s.droppedPuts());
    }

    /** Waits until queued semantic puts are in the index (tests; invalidation does it itself). */
    public void drainSemanticPuts() {
        semantic.drain();
    }

    /** Releases the semantic indexes; the exact store belongs to the gateway's stores. */
    @Override
    public void close() {
        semantic.close();
    }
}
