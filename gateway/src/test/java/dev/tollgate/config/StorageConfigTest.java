package dev.tollgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code storage:} and {@code counters:}, from YAML and from the env-only start. */
class StorageConfigTest {

    @TempDir
    Path dir;

    private TollgateConfig load(String yaml, Map<String, String> env) throws IOException {
        Path file = dir.resolve("tollgate.yaml");
        Files.writeString(file, yaml);
        return new ConfigLoader(env).load(Optional.of(file));
    }

    private ConfigException problems(String yaml, Map<String, String> env) {
        return catchThrowableOfType(ConfigException.class, () -> load(yaml, env));
    }

    @Test
    void withoutTheSections_theEmbeddedStoresAreTheDefault() throws IOException {
        TollgateConfig c = load("default_model: tollgate-sim\n", Map.of());
        assertThat(c.storage()).isEqualTo(StorageConfig.DEFAULTS);
        assertThat(c.counters()).isEqualTo(CountersConfig.DEFAULTS);
        assertThat(c.storage().kind()).isEqualTo(StorageConfig.Kind.SQLITE);
        assertThat(c.counters().kind()).isEqualTo(CountersConfig.Kind.MEMORY);
    }

    @Test
    void postgresAndRedis_bindEveryField_passwordsFromTheEnvironment() throws IOException {
        TollgateConfig c = load("""
                storage:
                  kind: postgres
                  url: jdbc:postgresql://db.internal:5433/tollgate?sslmode=require
                  user: gateway
                  password: ${PG_PASSWORD}
                  schema: tollgate_prod
                  pool_size: 24
                counters:
                  kind: redis
                  url: rediss://cache.internal:6380/2
                  password: ${REDIS_PASSWORD}
                  key_prefix: "{prod}:"
                  on_outage: fail_open
                  timeout_ms: 250
                """, Map.of("PG_PASSWORD", "pg-s3cret", "REDIS_PASSWORD", "redis-s3cret"));

        StorageConfig s = c.storage();
        assertThat(s.kind()).isEqualTo(StorageConfig.Kind.POSTGRES);
        assertThat(s.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:5433/tollgate?sslmode=require");
        assertThat(s.user()).contains("gateway");
        assertThat(s.password()).contains(new Secret("pg-s3cret"));
        assertThat(s.schema()).isEqualTo("tollgate_prod");
        assertThat(s.poolSize()).isEqualTo(24);
        assertThat(s.where()).isEqualTo("jdbc:postgresql://db.internal:5433/tollgate schema tollgate_prod as gateway");
        CountersConfig r = c.counters();
        assertThat(r).isEqualTo(new CountersConfig(CountersConfig.Kind.REDIS, "rediss://cache.internal:6380/2",
                Optional.of(new Secret("redis-s3cret")), "{prod}:", CountersConfig.OnOutage.FAIL_OPEN, Duration.ofMillis(250)));
        assertThat(s.toString() + r).doesNotContain("pg-s3cret").doesNotContain("redis-s3cret");
    }

    @Test
    void credentialsInTheUrls_areTakenOut_andAUrlAloneImpliesTheKind() throws IOException {
        TollgateConfig c = load("""
                storage:
                  url: postgres://tollgate:p%40ss%3Aword@127.0.0.1:5432/test
                counters:
                  url: redis://:r3dis-pw@127.0.0.1
                """, Map.of());

        assertThat(c.storage().kind()).isEqualTo(StorageConfig.Kind.POSTGRES);
        assertThat(c.storage().jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/test");
        assertThat(c.storage().user()).contains("tollgate");
        assertThat(c.storage().password()).contains(new Secret("p@ss:word"));
        assertThat(c.storage().schema()).isEqualTo("tollgate");
        assertThat(c.counters().kind()).isEqualTo(CountersConfig.Kind.REDIS);
        assertThat(c.counters().url()).isEqualTo("redis://127.0.0.1:6379");
        assertThat(c.counters().password()).contains(new Secret("r3dis-pw"));
        assertThat(c.counters().onOutage()).isEqualTo(CountersConfig.OnOutage.FAIL_CLOSED);
    }

    @Test
    void theEnvOnlyStart_readsTollgateDatabaseUrlAndTollgateRedisUrl() {
        TollgateConfig c = new ConfigLoader(Map.of("TOLLGATE_DATABASE_URL", "postgresql://app:pw$1@10.0.0.5/tollgate",
                "TOLLGATE_REDIS_URL", "redis://10.0.0.6:6379/0")).load(Optional.empty());

        assertThat(c.storage().kind()).isEqualTo(StorageConfig.Kind.POSTGRES);
        assertThat(c.storage().jdbcUrl()).isEqualTo("jdbc:postgresql://10.0.0.5/tollgate");
        assertThat(c.storage().user()).contains("app");
        // A '$' in an environment value is data, not an interpolation.
        assertThat(c.storage().password()).contains(new Secret("pw$1"));
        assertThat(c.counters().kind()).isEqualTo(CountersConfig.Kind.REDIS);
        assertThat(c.counters().url()).isEqualTo("redis://10.0.0.6:6379/0");
        assertThat(new ConfigLoader(Map.of()).load(Optional.empty()).storage()).isEqualTo(StorageConfig.DEFAULTS);
    }

    @Test
    void badSettings_areListedWithTheirPaths_andNeverShowAPassword() {
        ConfigException e = problems("""
                storage:
                  kind: mysql
                  url: mysql://root:hunter2@db/app
                  schema: Prod-Schema
                  pool_size: 0
                  flavour: x
                counters:
                  kind: redis
                  url: http://:hunter3@cache:6379
                  on_outage: retry
                  timeout_ms: 0
                  key_prefix: "has space"
                """, Map.of());

        assertThat(e.getMessage())
                .contains("storage.kind: 'mysql' (expected one of: sqlite, postgres)")
                .contains("storage.url: 'mysql://root:****@db/app' (expected: postgres://user:password@host:5432/database")
                .contains("storage.schema: 'Prod-Schema' (expected: lower-case letters")
                .contains("storage.pool_size: 0 (expected: 1 to 200)")
                .contains("storage.flavour: unknown setting")
                .contains("counters.url: 'http://:****@cache:6379' (expected: redis://host:6379[/db]")
                .contains("counters.on_outage: 'retry' (expected one of: fail_closed, fail_open)")
                .contains("counters.timeout_ms: 0 (expected: 1 to 60000)")
                .contains("counters.key_prefix: 'has space'")
                .doesNotContain("hunter2").doesNotContain("hunter3");
    }

    @Test
    void aSharedStoreWithoutItsUrl_andUrlsForTheEmbeddedOnes_areProblems() {
        assertThat(problems("storage: {kind: postgres}\ncounters: {kind: redis}\n", Map.of()).getMessage())
                .contains("storage.url: missing (expected: postgres://user:password@host:5432/database")
                .contains("counters.url: missing (expected: redis://host:6379");
        assertThat(problems("storage: {kind: sqlite, url: 'postgres://h/db'}\ncounters: {kind: memory, url: 'redis://h'}\n", Map.of())
                .getMessage())
                .contains("storage.url: only for kind postgres")
                .contains("counters.url: only for kind redis");
        assertThat(problems("counters: {url: 'redis://h/db'}\n", Map.of()).getMessage())
                .contains("counters.url: 'redis://h/db': the path names the database, a number");
    }

    @Test
    void theCacheStore_followsTheCounters_unlessSet_andRedisNeedsTheCountersRedis() throws IOException {
        assertThat(load("default_model: tollgate-sim\n", Map.of()).cache().store()).isEqualTo(CacheConfig.Store.MEMORY);
        assertThat(load("counters: {url: redis://127.0.0.1:6379}\n", Map.of()).cache().store()).isEqualTo(CacheConfig.Store.REDIS);
        assertThat(load("counters: {url: redis://127.0.0.1:6379}\ncache: {store: memory}\n", Map.of()).cache().store())
                .isEqualTo(CacheConfig.Store.MEMORY);
        assertThat(problems("cache: {store: redis}\n", Map.of()).problems())
                .containsExactly("cache.store: redis needs the Redis of counters: (counters.url or TOLLGATE_REDIS_URL; counters are in memory now)");
        assertThat(problems("counters: {url: redis://127.0.0.1:6379}\ncache: {store: disk}\n", Map.of()).problems())
                .containsExactly("cache.store: 'disk' (expected one of: memory, redis)");
    }
}
