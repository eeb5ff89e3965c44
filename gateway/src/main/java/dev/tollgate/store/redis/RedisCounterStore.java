package dev.tollgate.store.redis;

import dev.tollgate.store.Claim;
import dev.tollgate.store.CounterStore;
import dev.tollgate.store.StoreUnavailableException;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.StaticCredentialsProvider;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Counters in Redis, shared by every gateway instance: each {@link #reserve}, {@link #adjust} and
 * {@link #values} is one Lua script ({@code counters.lua}) over all the call's counters, so it is one
 * round trip and one atomic step, all or nothing, however many instances reserve against one budget.
 * Each counter is an integer key that expires at the end of its window ({@code PXAT}), so windows need
 * no sweeping; the caller's clock decides when a window has ended, exactly as in {@code InMemoryCounterStore}.
 *
 * <p>One connection serves every thread (Lettuce pipelines concurrent commands on it). Commands time out
 * after {@link Settings#timeout()} and fail at once while the connection is down (it reconnects by
 * itself); both surface as {@link StoreUnavailableException}, for the caller's outage policy. Values are
 * exact up to 2^53 (limits are compared in Lua's doubles); sums use Redis' 64-bit {@code INCRBY}.
 */
public final class RedisCounterStore implements CounterStore, AutoCloseable {

    /**
     * Where Redis is and how to use it.
     *
     * @param uri       {@code redis://[[user]:password@]host:port[/db]} or {@code rediss://...}
     * @param password  the password when the URL has none; {@code null} for none; never shown by {@link #toString()}
     * @param keyPrefix put before every counter key ({@code tollgate:}), so one Redis can serve several deployments
     * @param timeout   how long one command may take before the call is treated as an outage
     */
    public record Settings(String uri, String password, String keyPrefix, Duration timeout) {

        public Settings {
            if (keyPrefix == null) {
                keyPrefix = "";
            }
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("redis: timeout " + timeout + " (expected: > 0)");
            }
        }

        @Override
        public String toString() {
            return "Settings[" + where(uri) + " prefix=" + keyPrefix + " timeout=" + timeout + "]";
        }
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RedisCounterStore.class);
    /** Present while Redis holds the seeded counters; an emptied Redis has lost it. */
    static final String MARKER = "seeded";
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    /** Far beyond any window, and within what Redis accepts as an expiry. */
    private static final long LATEST_EXPIRY = Instant.parse("9999-12-31T00:00:00Z").toEpochMilli();
    private static final String SCRIPT = script();

    private final Clock clock;
    private final String prefix;
    private final String where;
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisCommands<String, String> redis;
    private volatile String sha;
    /** Set once the counters were seeded: from then on each reservation checks the seed marker in its script. */
    private volatile boolean guarded;
    private volatile java.util.function.Consumer<CounterStore> reseed = store -> { };
    private final Object reseeding = new Object();

    public RedisCounterStore(Settings settings, Clock clock) {
        this.clock = clock;
        this.prefix = settings.keyPrefix();
        this.where = where(settings.uri());
        this.client = client(settings);
        try {
            this.connection = client.connect();
        } catch (RedisException e) {
            client.shutdown();
            throw unavailable("cannot connect", e);
        }
        this.redis = connection.sync();
        try {
            this.sha = call(() -> redis.scriptLoad(SCRIPT));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public Reservation reserve(List<Claim> claims) {
        for (Claim c : claims) {
            if (c.amount() < 0) {
                throw new IllegalArgumentException("reserve: negative amount for " + c.key() + " (expected: >= 0; use adjust to release)");
            }
        }
        if (!guarded) {
            List<Long> out = run("reserve", claims);
            return new Reservation(out.getFirst().intValue(), out.subList(1, out.size()));
        }
        for (int attempt = 0; ; attempt++) {
            List<Long> out = run("reserve!", claims);
            if (out.getFirst() != -2) {
                return new Reservation(out.getFirst().intValue(), out.subList(1, out.size()));
            }
            if (attempt > 0) {
                throw new StoreUnavailableException("counters: Redis at " + where + " lost its counters again while they were re-seeded", null);
            }
            reseedIfLost();
        }
    }

    @Override
    public boolean needsSeeding() {
        boolean missing = call(() -> redis.exists(prefix + MARKER)) == 0;
        if (!missing) {
            // Seeded by another instance: from now on this one also watches for the marker's loss.
            guarded = true;
        }
        return missing;
    }

    @Override
    public void markSeeded() {
        call(() -> redis.set(prefix + MARKER, Long.toString(clock.millis())));
        guarded = true;
    }

    @Override
    public void onLoss(java.util.function.Consumer<CounterStore> reseed) {
        this.reseed = reseed;
    }

    /**
     * Re-seeds the counters from the ledger when Redis lost them (its seed marker is gone: restarted empty,
     * flushed); one thread does it while the others wait, then every reservation goes on against the seeded values.
     */
    public void reseedIfLost() {
        synchronized (reseeding) {
            if (!needsSeeding()) {
                return;
            }
            LOG.warn("counters: Redis at {} lost its counters (no seed marker); re-seeding the budget counters from the ledger", where);
            reseed.accept(this);
            markSeeded();
        }
    }

    @Override
    public void adjust(List<Claim> deltas) {
        run("adjust", deltas);
    }

    @Override
    public List<Long> values(List<String> keys) {
        // The script reads only the keys here; amount, limit and expiry are placeholders.
        List<Claim> reads = new ArrayList<>(keys.size());
        for (String key : keys) {
            reads.add(new Claim(key, 0, Claim.NO_LIMIT, Instant.EPOCH));
        }
        return run("values", reads);
    }

    @Override
    public void set(String key, long value, Instant expiresAt) {
        call(() -> redis.set(prefix + key, Long.toString(Math.max(0, value)), SetArgs.Builder.pxAt(expiry(expiresAt))));
    }

    /** What {@code config check} reports: the server's version, and whether the counters were seeded (the marker). */
    public String describe() {
        String info = call(() -> redis.info("server"));
        String version = info.lines().filter(l -> l.startsWith("redis_version:")).map(l -> l.substring("redis_version:".length()).strip())
                .findFirst().orElse("?");
        return "connected to Redis " + version + " at " + where + "; key prefix '" + prefix + "'; "
                + (needsSeeding() ? "no seeded counters yet (the first instance seeds them from the ledger)" : "counters seeded");
    }

    /** Whether Redis answers now (for {@code /ready}). */
    public boolean healthy() {
        try {
            return "PONG".equals(redis.ping());
        } catch (RedisException e) {
            return false;
        }
    }

    private List<Long> run(String op, List<Claim> claims) {
        if (claims.isEmpty()) {
            return op.startsWith("reserve") ? List.of(-1L) : List.of();
        }
        String[] keys = new String[claims.size() + (op.equals("reserve!") ? 1 : 0)];
        if (op.equals("reserve!")) {
            keys[claims.size()] = prefix + MARKER;
        }
        String[] args = new String[2 + 3 * claims.size()];
        args[0] = Long.toString(clock.millis());
        args[1] = op;
        for (int i = 0; i < claims.size(); i++) {
            Claim c = claims.get(i);
            keys[i] = prefix + c.key();
            args[2 + 3 * i] = Long.toString(c.amount());
            args[3 + 3 * i] = c.limit() == Claim.NO_LIMIT ? "-" : Long.toString(c.limit());
            args[4 + 3 * i] = Long.toString(expiry(c.expiresAt()));
        }
        List<Object> reply = call(() -> eval(keys, args));
        List<Long> out = new ArrayList<>(reply.size());
        for (Object o : reply) {
            out.add((Long) o);
        }
        return out;
    }

    /** Runs the script by its hash; after a Redis restart (which forgets scripts) it is loaded again. */
    private List<Object> eval(String[] keys, String[] args) {
        try {
            return redis.evalsha(sha, ScriptOutputType.MULTI, keys, args);
        } catch (RedisNoScriptException e) {
            sha = redis.scriptLoad(SCRIPT);
            return redis.evalsha(sha, ScriptOutputType.MULTI, keys, args);
        }
    }

    private <T> T call(java.util.function.Supplier<T> command) {
        try {
            return command.get();
        } catch (RedisCommandExecutionException e) {
            throw new IllegalStateException("counters: Redis at " + where + " refused the command: " + e.getMessage(), e);
        } catch (RedisException e) {
            throw unavailable("no answer", e);
        }
    }

    private StoreUnavailableException unavailable(String what, RedisException e) {
        // The root cause says what happened (refused, timed out); Lettuce's own message may repeat the URL.
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String detail = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return new StoreUnavailableException("counters: Redis at " + where + ": " + what + " (" + detail + ")", e);
    }

    private static long expiry(Instant at) {
        return at.isAfter(Instant.ofEpochMilli(LATEST_EXPIRY)) ? LATEST_EXPIRY : Math.max(1, at.toEpochMilli());
    }

    /** {@code host:port} of a Redis URL: what messages and logs may show (never the password). */
    static String where(String uri) {
        try {
            RedisURI parsed = RedisURI.create(uri);
            return parsed.getHost() + ":" + parsed.getPort();
        } catch (RuntimeException e) {
            return "(an unreadable Redis URL)";
        }
    }

    /** The user name of {@code redis://user:password@host}, or {@code null} ({@code redis://:password@host}, no user info). */
    /**
     * A client of the Redis the settings name, shared by the counters and the exact cache: the URL's user with the
     * settings' password, commands bounded by the settings' timeout, connecting bounded by {@link #CONNECT_TIMEOUT}
     * (a handshake may take longer than a command on a busy machine), reconnecting by itself and rejecting commands
     * while disconnected, so an outage is an error at once rather than a queue.
     */
    static RedisClient client(Settings settings) {
        RedisURI uri;
        try {
            uri = RedisURI.create(settings.uri());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("redis: url " + where(settings.uri()) + " is not a Redis URL (expected: redis://host:port)", e);
        }
        if (settings.password() != null) {
            uri.setCredentialsProvider(new StaticCredentialsProvider(user(settings.uri()), settings.password().toCharArray()));
        }
        uri.setTimeout(settings.timeout().compareTo(CONNECT_TIMEOUT) > 0 ? settings.timeout() : CONNECT_TIMEOUT);
        RedisClient client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT).build())
                .timeoutOptions(TimeoutOptions.enabled(settings.timeout()))
                .build());
        return client;
    }

    private static String user(String uri) {
        String info = java.net.URI.create(uri).getUserInfo();
        int colon = info == null ? -1 : info.indexOf(':');
        return colon > 0 ? info.substring(0, colon) : null;
    }

    private static String script() {
        try (InputStream in = RedisCounterStore.class.getResourceAsStream("counters.lua")) {
            if (in == null) {
                throw new IllegalStateException("counters.lua is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
