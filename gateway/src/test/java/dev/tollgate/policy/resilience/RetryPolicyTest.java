package dev.tollgate.policy.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.config.ResilienceConfig;
import dev.tollgate.provider.UpstreamException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Retry decisions as values: what is covered, the backoff and its jitter, Retry-After in seconds, ms and as a date, and its cap. */
class RetryPolicyTest {

    private static final Instant NOW = Instant.parse("2026-12-03T06:00:00Z");
    private static final ResilienceConfig.Retries DEFAULTS = ResilienceConfig.Retries.DEFAULTS;

    /** Jitter that always adds its whole range (the longest wait), and one that adds nothing (the shortest). */
    private static final RetryPolicy LONGEST = new RetryPolicy(Clock.fixed(NOW, ZoneOffset.UTC), bound -> bound);
    private static final RetryPolicy SHORTEST = new RetryPolicy(Clock.fixed(NOW, ZoneOffset.UTC), bound -> 0);

    private static UpstreamException status(int status, Map<String, String> headers) {
        return new UpstreamException(UpstreamException.Kind.STATUS, status, null, headers, "upstream answered " + status);
    }

    @Test
    void defaults_cover429_5xx_connect_andTimeouts_butNotOther4xx_brokenOrProtocol() {
        assertThat(RetryPolicy.covers(DEFAULTS, status(429, Map.of()))).isTrue();
        assertThat(RetryPolicy.covers(DEFAULTS, status(500, Map.of()))).isTrue();
        assertThat(RetryPolicy.covers(DEFAULTS, status(529, Map.of()))).isTrue();
        assertThat(RetryPolicy.covers(DEFAULTS, UpstreamException.of(UpstreamException.Kind.CONNECT, "refused"))).isTrue();
        assertThat(RetryPolicy.covers(DEFAULTS, UpstreamException.of(UpstreamException.Kind.FIRST_BYTE_TIMEOUT, "late"))).isTrue();
        assertThat(RetryPolicy.covers(DEFAULTS, status(400, Map.of()))).isFalse();
        assertThat(RetryPolicy.covers(DEFAULTS, status(401, Map.of()))).isFalse();
        assertThat(RetryPolicy.covers(DEFAULTS, status(408, Map.of()))).isFalse();
        assertThat(RetryPolicy.covers(DEFAULTS, UpstreamException.of(UpstreamException.Kind.BROKEN, "reset"))).isFalse();
        assertThat(RetryPolicy.covers(DEFAULTS, UpstreamException.of(UpstreamException.Kind.PROTOCOL, "bad json"))).isFalse();
    }

    @Test
    void backoff_doublesPerRetry_withinHalfToAll_cappedAtMaxBackoff() {
        ResilienceConfig.Retries r = new ResilienceConfig.Retries(5, Set.of(), true, false, false, false,
                Duration.ofMillis(100), Duration.ofMillis(300), Duration.ofSeconds(5));
        UpstreamException e = status(503, Map.of());

        assertThat(LONGEST.decide(r, e, 1)).isEqualTo(new RetryDecision.Retry(Duration.ofMillis(100), false));
        assertThat(SHORTEST.decide(r, e, 1)).isEqualTo(new RetryDecision.Retry(Duration.ofMillis(50), false));
        assertThat(LONGEST.decide(r, e, 2)).isEqualTo(new RetryDecision.Retry(Duration.ofMillis(200), false));
        assertThat(SHORTEST.decide(r, e, 2)).isEqualTo(new RetryDecision.Retry(Duration.ofMillis(100), false));
        assertThat(LONGEST.decide(r, e, 3)).isEqualTo(new RetryDecision.Retry(Duration.ofMillis(300), false));
        assertThat(LONGEST.decide(r, e, 5)).isEqualTo(new RetryDecision.Retry(Duration.ofMillis(300), false));
        assertThat(LONGEST.decide(r, e, 6)).isEqualTo(RetryDecision.NOT_COVERED);
    }

    @Test
    void randomJitter_staysInItsRange() {
        RetryPolicy random = RetryPolicy.of(Clock.fixed(NOW, ZoneOffset.UTC));
        for (int i = 0; i < 500; i++) {
            Duration wait = ((RetryDecision.Retry) random.decide(DEFAULTS, status(500, Map.of()), 2)).delay();
            assertThat(wait).isBetween(Duration.ofMillis(200), Duration.ofMillis(400));
        }
    }

    @Test
    void retryAfter_inSeconds_inMilliseconds_andAsAnHttpDate_isTheWait() {
        assertThat(LONGEST.decide(DEFAULTS, status(429, Map.of("retry-after", "3")), 1))
                .isEqualTo(new RetryDecision.Retry(Duration.ofSeconds(3), true));
        assertThat(LONGEST.decide(DEFAULTS, status(429, Map.of("retry-after-ms", "750", "retry-after", "1")), 1))
                .isEqualTo(new RetryDecision.Retry(Duration.ofMillis(750), true));
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(NOW.plusSeconds(4).atOffset(ZoneOffset.UTC));
        assertThat(LONGEST.decide(DEFAULTS, status(503, Map.of("retry-after", date)), 1))
                .isEqualTo(new RetryDecision.Retry(Duration.ofSeconds(4), true));
        String past = DateTimeFormatter.RFC_1123_DATE_TIME.format(NOW.minusSeconds(4).atOffset(ZoneOffset.UTC));
        assertThat(LONGEST.decide(DEFAULTS, status(503, Map.of("retry-after", past)), 1))
                .isEqualTo(new RetryDecision.Retry(Duration.ZERO, true));
        assertThat(LONGEST.decide(DEFAULTS, status(503, Map.of("retry-after", "soon")), 1))
                .isEqualTo(new RetryDecision.Retry(Duration.ofMillis(200), false));
    }

    @Test
    void retryAfter_longerThanTheCap_givesUp_sayingWhy() {
        assertThat(LONGEST.decide(DEFAULTS, status(429, Map.of("retry-after", "30")), 1))
                .isEqualTo(new RetryDecision.GiveUp("Retry-After 30 s > 5 s"));
    }
}
