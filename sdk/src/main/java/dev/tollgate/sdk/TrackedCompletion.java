package dev.tollgate.sdk;

import java.lang.System.Logger.Level;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The SDK's entry point: tracks calls an application makes to LLM providers directly and reports each
 * one's usage to Tollgate ({@code POST /api/log}) in the background. One instance per application,
 * shared by all threads; the provider wrappers ({@code TrackedOpenAi.wrap(client, tollgate)},
 * {@code TrackedAnthropic}, {@code TrackedGemini}) and the generic {@link #track} use it.
 *
 * <pre>{@code
 * TrackedCompletion tollgate = TrackedCompletion.fromEnv();   // TOLLGATE_API_URL, TOLLGATE_API_KEY, …
 * String answer = tollgate.track(CallSpec.of("mistral", "mistral-large-latest"),
 *         () -> mistral.chat(request), r -> TokenUsage.of(r.promptTokens(), r.completionTokens()));
 * }</pre>
 *
 * <p>Guarantees: a tracked call returns what the provider returned and throws what it threw, nothing
 * else; reporting never blocks it and never throws into it, whether Tollgate is up, slow or down.
 * Each event carries an id fixed when the call starts, so retried deliveries are stored once.
 */
public final class TrackedCompletion implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("dev.tollgate.sdk");

    private final TollgateConfig config;
    private final UsageReporter reporter;
    private final Clock clock;
    private final String idPrefix;
    private final AtomicLong sequence = new AtomicLong();

    private TrackedCompletion(TollgateConfig config, UsageReporter reporter, Clock clock) {
        this.config = config;
        this.reporter = reporter;
        this.clock = clock;
        // A random instance prefix and a counter: unique across processes and cheap per call.
        byte[] random = new byte[8];
        new SecureRandom().nextBytes(random);
        StringBuilder prefix = new StringBuilder("sdk-");
        for (byte b : random) {
            prefix.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        this.idPrefix = prefix.append('-').toString();
    }

    /** Configured from the environment ({@link TollgateConfig#fromEnv()}); without {@code TOLLGATE_API_URL}, tracking is off. */
    public static TrackedCompletion fromEnv() {
        return create(TollgateConfig.fromEnv());
    }

    public static TrackedCompletion create(TollgateConfig config) {
        if (!config.enabled()) {
            LOG.log(Level.WARNING, "Tollgate SDK: " + TollgateConfig.API_URL + " is not set, so calls are not tracked "
                    + "(they still go to their providers as before)");
            return new TrackedCompletion(config, UsageReporter.NONE, Clock.systemUTC());
        }
        return new TrackedCompletion(config, HttpUsageReporter.start(config), Clock.systemUTC());
    }

    /** With a reporter of your own (another sink, or a recording one in tests). */
    public static TrackedCompletion create(TollgateConfig config, UsageReporter reporter) {
        return new TrackedCompletion(config, reporter, Clock.systemUTC());
    }

    /** Starts tracking one call; end it with {@link TrackedCall#succeeded} or {@link TrackedCall#failed}. */
    public TrackedCall start(CallSpec spec) {
        return new TrackedCall(this, spec, idPrefix + Long.toString(sequence.incrementAndGet(), 36), clock.instant());
    }

    /**
     * Runs {@code call} and records it: on success with the usage {@code usage} reads from its result,
     * on failure with the status and code {@link Failure#of} finds, and then rethrows the failure as it was.
     */
    public <T, E extends Exception> T track(CallSpec spec, Call<T, E> call, Function<? super T, TokenUsage> usage) throws E {
        TrackedCall tracked = start(spec);
        T result;
        try {
            result = call.run();
        } catch (Exception e) {
            tracked.failed(Failure.of(e), TokenUsage.NONE);
            throw e;
        }
        tracked.succeeded(FailSafe.get("read the usage of a tracked call", () -> usage.apply(result), TokenUsage.NONE));
        return result;
    }

    /** Waits until every call tracked so far is delivered, at most the configured shutdown timeout; true when all were. */
    public boolean flush() {
        return flush(config.shutdownTimeout());
    }

    public boolean flush(Duration timeout) {
        return reporter.flush(timeout);
    }

    public ReporterStats stats() {
        return reporter.stats();
    }

    public TollgateConfig config() {
        return config;
    }

    /** Delivers what is queued (at most the shutdown timeout) and stops reporting. */
    @Override
    public void close() {
        reporter.close();
    }

    void record(UsageRecord record) {
        reporter.report(record);
    }

    /** A provider call, as a lambda: {@code () -> client.chat(request)}. */
    @FunctionalInterface
    public interface Call<T, E extends Exception> {
        T run() throws E;
    }
}
