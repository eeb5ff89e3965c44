package dev.tollgate.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.model.ApiKey;
import dev.tollgate.model.AuditEntry;
import dev.tollgate.model.Org;
import dev.tollgate.model.RateLimits;
import dev.tollgate.model.Scope;
import dev.tollgate.store.memory.InMemoryKeyStore;
import dev.tollgate.store.postgres.PostgresKeyStore;
import dev.tollgate.store.sqlite.SqliteKeyStore;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The {@link KeyStore} contract, run over every implementation: in memory, SQLite and PostgreSQL (real server). */
class KeyStoreContractTest {

    private static final Instant T0 = Instant.parse("2026-03-10T09:00:00.123Z");

    enum Impl {
        IN_MEMORY {
            @Override
            KeyStore open(Path dir, OpenedResources after) {
                return new InMemoryKeyStore();
            }
        },
        SQLITE {
            @Override
            KeyStore open(Path dir, OpenedResources after) {
                return new SqliteKeyStore(dir.resolve("tollgate.db"));
            }
        },
        POSTGRES {
            @Override
            KeyStore open(Path dir, OpenedResources after) {
                TestPostgres.Schema schema = TestPostgres.open("keys");
                after.add(schema);
                return new PostgresKeyStore(schema.database());
            }
        };

        abstract KeyStore open(Path dir, OpenedResources after);
    }

    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @ParameterizedTest(name = "{0}")
    @EnumSource(Impl.class)
    @interface EveryStore {
    }

    @TempDir
    Path dir;

    @RegisterExtension
    final OpenedResources after = new OpenedResources();

    private KeyStore open(Impl impl) {
        KeyStore store = impl.open(dir, after);
        after.add(store);
        return store;
    }


    @EveryStore
    void orgs_areAddedOnce_andListedInOrderOfCreation(Impl impl) {
        KeyStore store = open(impl);
        Org later = new Org("org-b", "Beta", T0.plusSeconds(60));
        Org first = new Org("org-a", "Acme", T0);
        Org sameTime = new Org("org-C", "Gamma", T0);

        assertThat(store.addOrg(later)).isTrue();
        assertThat(store.addOrg(first)).isTrue();
        assertThat(store.addOrg(sameTime)).isTrue();
        assertThat(store.addOrg(new Org("org-a", "Impostor", T0.plusSeconds(5)))).isFalse();

        assertThat(store.org("org-a")).contains(first);
        assertThat(store.org("nobody")).isEmpty();
        // By creation time, then id byte by byte ('C' sorts before 'a').
        assertThat(store.orgs()).containsExactly(sameTime, first, later);
    }

    @EveryStore
    void aKey_roundTripsEveryField_byIdAndByHash(Impl impl) {
        KeyStore store = open(impl);
        store.addOrg(new Org("acme", "Acme", T0));
        ApiKey full = new ApiKey("key-1", "acme", "ci bot", "tg-abc1", sha("secret-1"), Set.of(Scope.INFER, Scope.ANALYTICS),
                Set.of("gpt-4o-mini", "claude-sonnet-4"), Optional.of("imperium"), Optional.of("chat"),
                Optional.of(T0.plus(Duration.ofDays(30))), T0, Optional.empty(), false, RateLimits.perKey(42, 9_000));
        ApiKey bare = new ApiKey("key-2", "acme", "bare", "tg-def2", sha("secret-2"), Set.of(), Set.of(), Optional.empty(),
                Optional.empty(), Optional.empty(), T0.plusSeconds(1), Optional.empty(), false);

        store.addKey(full);
        store.addKey(bare);

        assertThat(store.key("key-1")).get().usingRecursiveComparison().isEqualTo(full);
        assertThat(store.keyByHash(sha("secret-1"))).get().usingRecursiveComparison().isEqualTo(full);
        assertThat(store.key("key-2")).get().usingRecursiveComparison().isEqualTo(bare);
        assertThat(store.keyByHash(sha("secret-3"))).isEmpty();
        assertThat(store.key("key-3")).isEmpty();
    }

    @EveryStore
    void aSecondKeyWithTheSameIdOrHash_isRefused_andTheFirstStays(Impl impl) {
        KeyStore store = open(impl);
        store.addOrg(new Org("acme", "Acme", T0));
        ApiKey original = key("key-1", "acme", "secret-1", T0);
        store.addKey(original);

        assertThatThrownBy(() -> store.addKey(key("key-1", "acme", "secret-other", T0))).isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> store.addKey(key("key-other", "acme", "secret-1", T0))).isInstanceOf(RuntimeException.class);

        assertThat(store.keys(Optional.empty())).singleElement().usingRecursiveComparison().isEqualTo(original);
        assertThat(store.keyByHash(sha("secret-other"))).isEmpty();
    }

    @EveryStore
    void keys_areListedNewestFirst_perOrgOrAll(Impl impl) {
        KeyStore store = open(impl);
        store.addOrg(new Org("acme", "Acme", T0));
        store.addOrg(new Org("globex", "Globex", T0));
        store.addKey(key("k-old", "acme", "s1", T0));
        store.addKey(key("k-new", "acme", "s2", T0.plusSeconds(10)));
        store.addKey(key("k-b", "globex", "s3", T0.plusSeconds(5)));
        store.addKey(key("k-a", "globex", "s4", T0.plusSeconds(5)));

        assertThat(store.keys(Optional.of("acme"))).extracting(ApiKey::id).containsExactly("k-new", "k-old");
        // Same creation time: by id.
        assertThat(store.keys(Optional.empty())).extracting(ApiKey::id).containsExactly("k-new", "k-a", "k-b", "k-old");
        assertThat(store.keys(Optional.of("initech"))).isEmpty();
    }

    @EveryStore
    void revokeAndRateLimits_changeOnlyTheirKey_andSayWhetherItExists(Impl impl) {
        KeyStore store = open(impl);
        store.addOrg(new Org("acme", "Acme", T0));
        store.addKey(key("k1", "acme", "s1", T0));
        store.addKey(key("k2", "acme", "s2", T0));

        assertThat(store.revoke("k1")).isTrue();
        assertThat(store.revoke("nobody")).isFalse();
        assertThat(store.updateRateLimits("k2", RateLimits.perKey(7, 700))).isTrue();
        assertThat(store.updateRateLimits("nobody", RateLimits.perKey(7, 700))).isFalse();

        assertThat(store.keyByHash(sha("s1")).orElseThrow().revoked()).isTrue();
        assertThat(store.key("k1").orElseThrow().rateLimits()).isEqualTo(RateLimits.NONE);
        assertThat(store.key("k2").orElseThrow().revoked()).isFalse();
        assertThat(store.key("k2").orElseThrow().rateLimits()).isEqualTo(RateLimits.perKey(7, 700));
    }

    @EveryStore
    void touch_recordsTheLatestUse_andNeverMovesItBack(Impl impl) {
        KeyStore store = open(impl);
        store.addOrg(new Org("acme", "Acme", T0));
        store.addKey(key("k1", "acme", "s1", T0));

        store.touch("k1", T0.plusSeconds(60));
        assertThat(store.key("k1").orElseThrow().lastUsedAt()).contains(T0.plusSeconds(60));
        // Touches are batched and may arrive out of order: an older one does not undo a newer one.
        store.touch("k1", T0.plusSeconds(30));
        assertThat(store.key("k1").orElseThrow().lastUsedAt()).contains(T0.plusSeconds(60));
        store.touch("nobody", T0);
        assertThat(store.key("nobody")).isEmpty();
    }

    @EveryStore
    void audit_isNewestFirst_perOrgOrAll_andLimited(Impl impl) {
        KeyStore store = open(impl);
        List<AuditEntry> entries = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            // Entries 2 and 3 share a millisecond: insertion order still decides.
            Instant at = T0.plusSeconds(i == 3 ? 2 : i);
            AuditEntry e = new AuditEntry(at, "master", i % 2 == 0 ? "acme" : null, "api_key.create", "k" + i, "{\"n\":" + i + "}");
            entries.add(e);
            store.audit(e);
        }

        assertThat(store.audit(Optional.empty(), 10)).containsExactlyElementsOf(entries.reversed());
        assertThat(store.audit(Optional.empty(), 2)).containsExactly(entries.get(5), entries.get(4));
        assertThat(store.audit(Optional.of("acme"), 10)).containsExactly(entries.get(4), entries.get(2), entries.get(0));
        assertThat(store.audit(Optional.of("globex"), 10)).isEmpty();
    }

    /** Many threads add the same org and distinct keys at once: exactly one add wins, every key is stored once. */
    @EveryStore
    void concurrentAdds_storeEachOrgOnce_andEveryKey(Impl impl) throws Exception {
        KeyStore store = open(impl);
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int n = t;
                results.add(pool.submit(() -> {
                    go.await();
                    boolean added = store.addOrg(new Org("shared", "Shared " + n, T0));
                    for (int i = 0; i < 25; i++) {
                        store.addKey(key("k-" + n + "-" + i, "shared", "secret-" + n + "-" + i, T0.plusMillis(i)));
                    }
                    return added;
                }));
            }
            go.countDown();
            int wins = 0;
            for (Future<Boolean> r : results) {
                wins += r.get() ? 1 : 0;
            }
            assertThat(wins).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.orgs()).hasSize(1);
        assertThat(store.keys(Optional.of("shared"))).hasSize(threads * 25);
        assertThat(store.keyByHash(sha("secret-7-24")).orElseThrow().id()).isEqualTo("k-7-24");
    }

    private static ApiKey key(String id, String org, String secret, Instant created) {
        return new ApiKey(id, org, "key " + id, "tg-" + id, sha(secret), Set.of(Scope.INFER), Set.of(), Optional.empty(),
                Optional.empty(), Optional.empty(), created, Optional.empty(), false);
    }

    private static byte[] sha(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
