package dev.tollgate.bench;

import dev.tollgate.api.openai.OpenAiChatParser;
import dev.tollgate.config.CacheConfig;
import dev.tollgate.config.ProviderConfig;
import dev.tollgate.config.ProviderKind;
import dev.tollgate.config.SimulatedConfig;
import dev.tollgate.config.TimeoutConfig;
import dev.tollgate.model.ChatRequest;
import dev.tollgate.model.Principal;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.pipeline.Answer;
import dev.tollgate.pipeline.Endpoint;
import dev.tollgate.pipeline.FallbackStage;
import dev.tollgate.pipeline.Inbound;
import dev.tollgate.pipeline.Pipeline;
import dev.tollgate.pipeline.PipelineListener;
import dev.tollgate.pipeline.RequestContext;
import dev.tollgate.pipeline.Stage;
import dev.tollgate.pipeline.UpstreamCallStage;
import dev.tollgate.policy.cache.CachePolicy;
import dev.tollgate.policy.cache.CacheStage;
import dev.tollgate.policy.routing.ModelCatalog;
import dev.tollgate.provider.ProviderAdapter;
import dev.tollgate.provider.ProviderResponse;
import dev.tollgate.store.memory.CaffeineExactCacheStore;
import dev.tollgate.testing.OpenAiFixtures;
import dev.tollgate.usage.PriceTable;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import tools.jackson.databind.json.JsonMapper;

/**
 * The exact tier's cost per call, apart from HTTP: a call answered from the cache (key hashing, the Caffeine
 * lookup, decoding the stored answer, settling the call), a miss that fills it (hashing, the lookup, the upstream
 * in-process, encoding and storing the answer), and the same call without a cache stage, for the difference. The
 * store holds 10,000 other entries. Run with {@code bench/run-jmh.sh ExactCache}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ExactCacheBenchmark {

    private static final String HIT_BODY = """
            {"model":"gpt-4o-mini","messages":[{"role":"user","content":"Say this is a test."}],"max_tokens":16}""";

    private final JsonMapper json = JsonMapper.builder().build();
    private final OpenAiChatParser parser = new OpenAiChatParser(json);
    private final PriceTable prices = PriceTable.bundled(json);
    private final Principal principal = new Principal("default", "key_1", Set.of(dev.tollgate.model.Scope.INFER), Set.of(),
            Optional.empty(), Optional.empty());
    private final ChatRequest hitRequest = parser.parse(HIT_BODY.getBytes(StandardCharsets.UTF_8));
    private final AtomicLong distinct = new AtomicLong();
    private Pipeline cached;
    private Pipeline uncached;

    @Setup
    public void setUp() {
        Clock clock = Clock.systemUTC();
        CacheConfig.Settings exactOnly = new CacheConfig.Settings(new CacheConfig.Tier(true, Duration.ofHours(1)),
                new CacheConfig.Tier(false, Duration.ofHours(1)), new CacheConfig.Tier(true, Duration.ofHours(24)), "balanced");
        CacheConfig config = new CacheConfig(exactOnly, Map.of(), 256L << 20, 1L << 20, 1000, Duration.ofSeconds(60));
        CachePolicy policy = new CachePolicy(new CachePolicy.Parts(config, new CaffeineExactCacheStore(config.maxBytes(), clock),
                Optional.empty(), json, clock));
        cached = pipeline(new CacheStage(policy), clock);
        uncached = pipeline(null, clock);
        for (int i = 0; i < 10_000; i++) {
            call(cached, other(i));
        }
        call(cached, hitRequest);
    }

    private ChatRequest other(long i) {
        return parser.parse(HIT_BODY.replace("a test.", "test number " + i + ".").getBytes(StandardCharsets.UTF_8));
    }

    private Pipeline pipeline(Stage cache, Clock clock) {
        ProviderConfig openai = new ProviderConfig("openai", ProviderKind.OPENAI, URI.create("http://127.0.0.1:1/v1"), Optional.empty(),
                List.of("gpt-*"), "", Map.of(), TimeoutConfig.DEFAULTS, SimulatedConfig.DEFAULTS);
        byte[] completion = OpenAiFixtures.chatCompletion("gpt-4o-mini", "This is a test.", OpenAiFixtures.DEFAULT_USAGE)
                .getBytes(StandardCharsets.UTF_8);
        ProviderAdapter instant = new ProviderAdapter() {
            @Override
            public ProviderResponse chat(ChatRequest r, String model) {
                return new ProviderResponse.Complete(completion, OpenAiFixtures.DEFAULT_USAGE, Map.of());
            }

            @Override
            public void close() {
            }
        };
        ModelCatalog catalog = new ModelCatalog(List.of(openai), Map.of("openai", instant));
        Stage route = (ctx, chain) -> {
            ctx.route("gpt-4o-mini", catalog.resolve("gpt-4o-mini"), "explicit");
            return chain.proceed(ctx);
        };
        Stage upstream = new FallbackStage(List.of(new UpstreamCallStage(PipelineListener.NONE)));
        List<Stage> stages = cache == null ? List.of(route, upstream) : List.of(route, cache, upstream);
        return new Pipeline(stages, PipelineListener.NONE, prices, clock);
    }

    private UsageEvent call(Pipeline pipeline, ChatRequest request) {
        RequestContext ctx = pipeline.newContext("req", Endpoint.CHAT, new Inbound(h -> Optional.empty(), new byte[0], b -> request));
        ctx.principal(principal);
        ctx.request(request);
        try (Answer answer = pipeline.execute(ctx)) {
            return ((Answer.Whole) answer).deliver();
        }
    }

    /** A call the exact tier answers. */
    @Benchmark
    public UsageEvent hit() {
        return call(cached, hitRequest);
    }

    @Benchmark
    @Threads(2)
    public UsageEvent hit_twoThreads() {
        return call(cached, hitRequest);
    }

    /** A call no entry answers (each one new): looked up, sent upstream, stored. The request is parsed outside the timing's point. */
    @Benchmark
    public UsageEvent missThatFills() {
        return call(cached, other(1_000_000 + distinct.incrementAndGet()));
    }

    /** The same new call without a cache stage: the difference to {@link #missThatFills} is the cache's work on a miss. */
    @Benchmark
    public UsageEvent missWithoutCache() {
        return call(uncached, other(1_000_000 + distinct.incrementAndGet()));
    }
}
