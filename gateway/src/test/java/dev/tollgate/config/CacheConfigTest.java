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

/** {@code cache:}: defaults, every field, per-org changes of the global settings, problems with their paths, the env-only start. */
class CacheConfigTest {

    @TempDir
    Path dir;

    private TollgateConfig load(String yaml) throws IOException {
        Path file = dir.resolve("tollgate.yaml");
        Files.writeString(file, yaml);
        return new ConfigLoader(Map.of()).load(Optional.of(file));
    }

    @Test
    void withoutTheSection_exactAndSemanticAreOff_workflowOn() throws IOException {
        CacheConfig c = load("default_model: tollgate-sim\n").cache();
        assertThat(c).isEqualTo(CacheConfig.DEFAULTS);
        assertThat(c.forOrg("anyone").exact().enabled()).isFalse();
        assertThat(c.forOrg("anyone").semantic().enabled()).isFalse();
        assertThat(c.forOrg("anyone").workflow().enabled()).isTrue();
        assertThat(c.semanticAnywhere()).isFalse();
    }

    @Test
    void everyField_andOrgsChangeOnlyWhatTheyName() throws IOException {
        CacheConfig c = load("""
                cache:
                  max_bytes: 1048576
                  max_entry_bytes: 65536
                  semantic_max_entries: 5000
                  single_flight_wait_ms: 2500
                  exact: {enabled: true, ttl_seconds: 600}
                  semantic: {enabled: true, ttl_seconds: 120, strictness: strict}
                  workflow: {ttl_seconds: 7200}
                  orgs:
                    sandbox: {enabled: false}
                    research:
                      semantic: {strictness: lenient}
                      exact: {ttl_seconds: 30}
                """).cache();

        assertThat(c.maxBytes()).isEqualTo(1_048_576);
        assertThat(c.maxEntryBytes()).isEqualTo(65_536);
        assertThat(c.semanticMaxEntries()).isEqualTo(5_000);
        assertThat(c.singleFlightWait()).isEqualTo(Duration.ofMillis(2_500));
        CacheConfig.Settings global = c.forOrg("acme");
        assertThat(global.exact()).isEqualTo(new CacheConfig.Tier(true, Duration.ofSeconds(600)));
        assertThat(global.semantic()).isEqualTo(new CacheConfig.Tier(true, Duration.ofSeconds(120)));
        assertThat(global.workflow()).isEqualTo(new CacheConfig.Tier(true, Duration.ofSeconds(7200)));
        assertThat(global.strictness()).isEqualTo("strict");
        CacheConfig.Settings sandbox = c.forOrg("sandbox");
        assertThat(sandbox.anyEnabled()).isFalse();
        assertThat(sandbox.exact().ttl()).isEqualTo(Duration.ofSeconds(600));
        CacheConfig.Settings research = c.forOrg("research");
        assertThat(research.exact()).isEqualTo(new CacheConfig.Tier(true, Duration.ofSeconds(30)));
        assertThat(research.semantic().enabled()).isTrue();
        assertThat(research.strictness()).isEqualTo("lenient");
    }

    @Test
    void onlySomeOrgs_globalOffAndTheirsOn() throws IOException {
        CacheConfig c = load("""
                cache:
                  enabled: false
                  orgs:
                    acme: {enabled: true}
                """).cache();
        assertThat(c.forOrg("globex").anyEnabled()).isFalse();
        assertThat(c.forOrg("acme").exact().enabled()).isTrue();
        assertThat(c.forOrg("acme").workflow().enabled()).isTrue();
        assertThat(c.semanticAnywhere()).isTrue();
    }

    @Test
    void problems_nameTheirPath_andWhatWasExpected() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> load("""
                cache:
                  exact: {enabled: maybe, ttl_seconds: 0}
                  semantic: {strictness: loose}
                  max_bytes: 12
                  orgs:
                    acme: {exact: {size: 3}}
                  colour: blue
                """));
        assertThat(e.getMessage())
                .contains("cache.exact.enabled: 'maybe' (expected: true or false)")
                .contains("cache.exact.ttl_seconds: 0 (expected: 1 to")
                .contains("cache.semantic.strictness: 'loose' (expected: strict, balanced or lenient)")
                .contains("cache.max_bytes: 12 (expected: 1024 to")
                .contains("cache.orgs.acme.exact.size")
                .contains("cache.colour");
    }

    @Test
    void theEnvOnlyStart_turnsTiersOnWithTollgateCache() {
        CacheConfig c = new ConfigLoader(Map.of("TOLLGATE_CACHE", "exact, semantic")).load(Optional.empty()).cache();
        assertThat(c.forOrg("default").exact().enabled()).isTrue();
        assertThat(c.forOrg("default").semantic().enabled()).isTrue();
        CacheConfig off = new ConfigLoader(Map.of("TOLLGATE_CACHE", "off")).load(Optional.empty()).cache();
        assertThat(off.forOrg("default").anyEnabled()).isFalse();
    }
}
