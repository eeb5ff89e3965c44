package dev.tollgate.store.redis;

import dev.tollgate.store.ExactCacheStore;
import dev.tollgate.store.FailureLog;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exact and workflow cache tiers' entries in Redis, shared by every instance. An entry is one key,
 * {@code PREFIX cache:e:ORG:DIGEST}, whose value carries its expiry on the gateway's clock (checked on every
 * get, as the in-process store does), the model that produced it and the answer's bytes; Redis drops it on its
 * own at the same time to live ({@code PX}). Each org and model has an index set of digests
 * ({@code cache:m:ORG:MODEL}), so invalidation by org or by model deletes exactly those entries without
 * scanning the others. A put is one script (entry, index, the index's expiry), so the index never misses an
 * entry. Org and model names are base64url in keys: no name can reach into another's keys.
 *
 * <p>The store has no byte bound of its own: Redis' {@code maxmemory} with an eviction policy bounds it
 * ({@code docs/scale-out.md}). While Redis cannot be reached, gets miss and puts are dropped, never failing a
 * call; that is logged once per outage.
 */
public final class RedisExactCacheStore implements ExactCacheStore {

    private static final Logger LOG = LoggerFactory.getLogger(RedisExactCacheStore.class);
    private static final String PUT = """
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
            redis.call('SADD', KEYS[2], ARGV[3])
            if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[2]) then
              redis.call('PEXPIRE', KEYS[2], ARGV[2])
            end
            return 1
            """;

    private final Clock clock;
    private final String prefix;
    private final String where;
    private final RedisClient client;
    private final StatefulRedisConnection<String, byte[]> connection;
    private final RedisCommands<String, byte[]> redis;
    private final FailureLog failureLog = new FailureLog();

    public RedisExactCacheStore(RedisCounterStore.Settings settings, Clock clock) {
        this.clock = clock;
        this.prefix = settings.keyPrefix() + "cache:";
        this.where = RedisCounterStore.where(settings.uri());
        this.client = RedisCounterStore.client(settings);
        try {
            this.connection = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
        } catch (RedisException e) {
            client.shutdown();
            throw new dev.tollgate.store.StoreUnavailableException("cache: Redis at " + where + ": cannot connect", e);
        }
        this.redis = connection.sync();
    }

    @Override
    public Optional<byte[]> get(Key key) {
        byte[] stored;
        try {
            stored = redis.get(entryKey(key.org(), key.digest()));
            ok();
        } catch (RedisException e) {
            failed("get", e);
            return Optional.empty();
        }
        if (stored == null || stored.length < 10) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(stored);
        long expiresAt = b.getLong();
        if (clock.millis() >= expiresAt) {
            return Optional.empty();
        }
        int modelLength = Short.toUnsignedInt(b.getShort());
        b.position(b.position() + modelLength);
        byte[] value = new byte[b.remaining()];
        b.get(value);
        return Optional.of(value);
    }

    @Override
    public void put(Key key, String model, byte[] value, Duration ttl) {
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl: " + ttl + " (expected: > 0)");
        }
        byte[] modelBytes = model.getBytes(StandardCharsets.UTF_8);
        int modelLength = Math.min(modelBytes.length, 0xFFFF);
        ByteBuffer b = ByteBuffer.allocate(10 + modelLength + value.length);
        b.putLong(clock.millis() + ttl.toMillis()).putShort((short) modelLength).put(modelBytes, 0, modelLength).put(value);
        String[] keys = {entryKey(key.org(), key.digest()), indexKey(key.org(), model)};
        byte[][] args = {b.array(), ascii(Long.toString(ttl.toMillis())), ascii(key.digest())};
        try {
            redis.eval(PUT, ScriptOutputType.INTEGER, keys, args);
            ok();
        } catch (RedisException e) {
            failed("put", e);
        }
    }

    @Override
    public long invalidate(String org, Optional<String> model) {
        try {
            List<String> indexes = model.isPresent() ? List.of(indexKey(org, model.get())) : scan(prefix + "m:" + encode(org) + ":*");
            long removed = 0;
            for (String index : indexes) {
                List<String> entries = new ArrayList<>();
                for (byte[] digest : redis.smembers(index)) {
                    entries.add(entryKey(org, new String(digest, StandardCharsets.US_ASCII)));
                }
                for (int i = 0; i < entries.size(); i += 500) {
                    removed += redis.del(entries.subList(i, Math.min(entries.size(), i + 500)).toArray(String[]::new));
                }
                redis.del(index);
            }
            ok();
            return removed;
        } catch (RedisException e) {
            failed("invalidate", e);
            throw new dev.tollgate.store.StoreUnavailableException("cache: Redis at " + where + " cannot be reached to invalidate", e);
        }
    }

    /** Entries held now (a scan of the entry keys); bytes are Redis' to bound, so 0 here. */
    @Override
    public Stats stats() {
        try {
            return new Stats(scan(prefix + "e:*").size(), 0, 0);
        } catch (RedisException e) {
            failed("stats", e);
            return new Stats(0, 0, 0);
        }
    }

    /** Whether Redis answers now (for {@code /ready}). */
    public boolean healthy() {
        try {
            return "PONG".equals(redis.ping());
        } catch (RedisException e) {
            return false;
        }
    }

    private List<String> scan(String pattern) {
        List<String> keys = new ArrayList<>();
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            KeyScanCursor<String> page = redis.scan(cursor, ScanArgs.Builder.matches(pattern).limit(1_000));
            keys.addAll(page.getKeys());
            cursor = page;
        } while (!cursor.isFinished());
        return keys;
    }

    private String entryKey(String org, String digest) {
        return prefix + "e:" + encode(org) + ":" + digest;
    }

    private String indexKey(String org, String model) {
        return prefix + "m:" + encode(org) + ":" + encode(model);
    }

    private static String encode(String name) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(name.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private void ok() {
        if (failureLog.recovered()) {
            LOG.info("cache: Redis at {} answers again", where);
        }
    }

    private void failed(String what, RedisException e) {
        if (failureLog.failed()) {
            LOG.warn("cache: Redis at {} cannot be reached ({}: {}); the exact cache misses meanwhile", where, what, e.getMessage());
        }
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
