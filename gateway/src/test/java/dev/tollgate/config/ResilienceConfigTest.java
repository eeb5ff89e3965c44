package dev.tollgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code providers[].retries}, {@code circuit_breaker}, {@code weight} and {@code routing:}: defaults, every field, mistakes with their paths. */
class ResilienceConfigTest {

    @TempDir
    Path dir;

    private TollgateConfig load(String yaml) throws IOException {
        Path file = dir.resolve("tollgate.yaml");
        Files.writeString(file, yaml);
        return new ConfigLoader(Map.of()).load(Optional.of(file));
    }

    @Test
    void withoutTheSettings_twoRetriesOn429And5xxConnectAndTimeout_aBreaker_weightOne_ordered() throws IOException {
        TollgateConfig c = load("""
                providers:
                  - {name: openai, kind: openai, api_key: sk-test}
                """);
        ProviderConfig p = c.providers().getFirst();

        assertThat(p.resilience()).isEqualTo(ResilienceConfig.DEFAULTS);
        ResilienceConfig.Retries r = p.resilience().retries();
        assertThat(r.max()).isEqualTo(2);
        assertThat(r.statuses()).containsExactly(429);
        assertThat(r.serverErrors()).isTrue();
        assertThat(r.connect()).isTrue();
        assertThat(r.timeout()).isTrue();
        assertThat(r.broken()).isFalse();
        assertThat(r.maxRetryAfter()).isEqualTo(Duration.ofSeconds(5));
        assertThat(p.resilience().circuitBreaker().enabled()).isTrue();
        assertThat(p.weight()).isEqualTo(1);
        assertThat(c.routing().strategy()).isEqualTo(RoutingConfig.Strategy.ORDERED);
    }

    @Test
    void everyField() throws IOException {
        TollgateConfig c = load("""
                routing: {strategy: least-busy}
                providers:
                  - name: openai
                    kind: openai
                    api_key: sk-test
                    weight: 3
                    retries: {max: 4, on: [503, 5xx, connect, broken], initial_backoff_ms: 10, max_backoff_ms: 80, max_retry_after_ms: 1500}
                    circuit_breaker: {failure_rate_threshold: 40, minimum_calls: 5, window: 8, cooldown_ms: 250, half_open_calls: 3}
                  - name: other
                    kind: openai_compatible
                    base_url: http://127.0.0.1:8000/v1
                    retries: {max: 0}
                    circuit_breaker: {enabled: false}
                    weight: 0
                """);
        ProviderConfig p = c.providers().getFirst();

        assertThat(p.resilience().retries()).isEqualTo(new ResilienceConfig.Retries(4, Set.of(503), true, true, false, true,
                Duration.ofMillis(10), Duration.ofMillis(80), Duration.ofMillis(1500)));
        assertThat(p.resilience().circuitBreaker()).isEqualTo(new ResilienceConfig.CircuitBreaker(true, 40, 5, 8, Duration.ofMillis(250), 3));
        assertThat(p.weight()).isEqualTo(3);
        ProviderConfig other = c.providers().get(1);
        assertThat(other.resilience().retries().off()).isTrue();
        assertThat(other.resilience().circuitBreaker().enabled()).isFalse();
        assertThat(other.weight()).isZero();
        assertThat(c.routing().strategy()).isEqualTo(RoutingConfig.Strategy.LEAST_BUSY);
    }

    @Test
    void everyStrategyName_loads() throws IOException {
        for (RoutingConfig.Strategy s : RoutingConfig.Strategy.values()) {
            assertThat(load("routing: {strategy: " + s.configName() + "}\n").routing().strategy()).isEqualTo(s);
        }
    }

    @Test
    void mistakes_areListedWithTheirPaths() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> load("""
                routing: {strategy: random, sticky: true}
                providers:
                  - name: openai
                    kind: openai
                    api_key: sk-test
                    weight: -1
                    retries: {max: 11, on: [429, 5xy, 302], initial_backoff_ms: 500, max_backoff_ms: 100, backoff: 3}
                    circuit_breaker: {failure_rate_threshold: 0, minimum_calls: 10, window: 5, cooldown_ms: 0, half_open_calls: many}
                """));

        assertThat(e.problems()).contains(
                "routing.strategy: 'random' (expected one of: ordered, weighted, least-busy, lowest-latency)",
                "providers[0].weight: -1 (expected: 0 to 1000)",
                "providers[0].retries.max: 11 (expected: 0 to 10)",
                "providers[0].retries.on[1]: '5xy' (expected: 429, 5xx, connect, timeout, broken, or an HTTP status from 400 to 599)",
                "providers[0].retries.on[2]: '302' (expected: 429, 5xx, connect, timeout, broken, or an HTTP status from 400 to 599)",
                "providers[0].retries.max_backoff_ms: 100 is below initial_backoff_ms 500 (expected: at least initial_backoff_ms)",
                "providers[0].circuit_breaker.failure_rate_threshold: 0 (expected: 1 to 100)",
                "providers[0].circuit_breaker.window: 5 is below minimum_calls 10 (expected: at least minimum_calls)",
                "providers[0].circuit_breaker.cooldown_ms: 0 (expected: 1 to 86400000)",
                "providers[0].circuit_breaker.half_open_calls: 'many' (expected: a whole number from 1 to 1000)");
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("routing.sticky: unknown setting"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("providers[0].retries.backoff: unknown setting"));
    }
}
