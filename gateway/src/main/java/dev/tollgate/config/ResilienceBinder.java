package dev.tollgate.config;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Binds {@code providers[].retries}, {@code providers[].circuit_breaker}, {@code providers[].weight} and {@code routing:}. */
final class ResilienceBinder {

    private static final Set<String> RETRY_KEYS = Set.of("max", "on", "initial_backoff_ms", "max_backoff_ms", "max_retry_after_ms");
    private static final Set<String> BREAKER_KEYS =
            Set.of("enabled", "failure_rate_threshold", "minimum_calls", "window", "cooldown_ms", "half_open_calls");
    private static final String ON_EXPECTED = "429, 5xx, connect, timeout, broken, or an HTTP status from 400 to 599";

    private ResilienceBinder() {
    }

    static ResilienceConfig resilience(ConfigTree provider) {
        return new ResilienceConfig(retries(provider.child("retries")), breaker(provider.child("circuit_breaker")));
    }

    static int weight(ConfigTree provider) {
        return (int) provider.number("weight", 1, 0, ProviderConfig.MAX_WEIGHT);
    }

    static RoutingConfig routing(ConfigTree t) {
        t.rejectUnknown(Set.of("strategy"));
        String text = t.string("strategy", null);
        if (text == null) {
            return RoutingConfig.DEFAULTS;
        }
        return RoutingConfig.Strategy.byName(text).map(RoutingConfig::new).orElseGet(() -> {
            t.problem("strategy", "'" + text + "' (expected one of: ordered, weighted, least-busy, lowest-latency)");
            return RoutingConfig.DEFAULTS;
        });
    }

    private static ResilienceConfig.Retries retries(ConfigTree t) {
        t.rejectUnknown(RETRY_KEYS);
        ResilienceConfig.Retries d = ResilienceConfig.Retries.DEFAULTS;
        int max = (int) t.number("max", d.max(), 0, 10);
        Duration initial = millis(t, "initial_backoff_ms", d.initialBackoff(), 1, 60_000);
        Duration longest = millis(t, "max_backoff_ms", d.maxBackoff(), 1, 600_000);
        if (longest.compareTo(initial) < 0) {
            t.problem("max_backoff_ms", longest.toMillis() + " is below initial_backoff_ms " + initial.toMillis()
                    + " (expected: at least initial_backoff_ms)");
            longest = initial;
        }
        Duration retryAfter = millis(t, "max_retry_after_ms", d.maxRetryAfter(), 0, 600_000);
        if (!t.has("on")) {
            return new ResilienceConfig.Retries(max, d.statuses(), d.serverErrors(), d.connect(), d.timeout(), d.broken(),
                    initial, longest, retryAfter);
        }
        Set<Integer> statuses = new HashSet<>();
        boolean serverErrors = false;
        boolean connect = false;
        boolean timeout = false;
        boolean broken = false;
        List<String> on = t.strings("on", List.of());
        for (int i = 0; i < on.size(); i++) {
            String v = on.get(i).strip().toLowerCase(Locale.ROOT);
            switch (v) {
                case "5xx" -> serverErrors = true;
                case "connect" -> connect = true;
                case "timeout" -> timeout = true;
                case "broken" -> broken = true;
                default -> {
                    Integer status = status(v);
                    if (status == null) {
                        t.problem("on[" + i + "]", "'" + on.get(i) + "' (expected: " + ON_EXPECTED + ")");
                    } else {
                        statuses.add(status);
                    }
                }
            }
        }
        return new ResilienceConfig.Retries(max, statuses, serverErrors, connect, timeout, broken, initial, longest, retryAfter);
    }

    private static Integer status(String text) {
        try {
            int s = Integer.parseInt(text);
            return s >= 400 && s <= 599 ? s : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static ResilienceConfig.CircuitBreaker breaker(ConfigTree t) {
        t.rejectUnknown(BREAKER_KEYS);
        ResilienceConfig.CircuitBreaker d = ResilienceConfig.CircuitBreaker.DEFAULTS;
        int minimum = (int) t.number("minimum_calls", d.minimumCalls(), 1, 10_000);
        int window = (int) t.number("window", Math.max(d.window(), minimum), 1, 10_000);
        if (window < minimum) {
            t.problem("window", window + " is below minimum_calls " + minimum + " (expected: at least minimum_calls)");
            window = minimum;
        }
        return new ResilienceConfig.CircuitBreaker(t.bool("enabled", d.enabled()),
                (int) t.number("failure_rate_threshold", d.failureRateThreshold(), 1, 100), minimum, window,
                millis(t, "cooldown_ms", d.cooldown(), 1, 86_400_000), (int) t.number("half_open_calls", d.halfOpenCalls(), 1, 1_000));
    }

    private static Duration millis(ConfigTree t, String name, Duration fallback, long min, long max) {
        return Duration.ofMillis(t.number(name, fallback.toMillis(), min, max));
    }
}
