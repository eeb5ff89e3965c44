package dev.tollgate.policy.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WindowTest {

    @Test
    void minuteWindow_isTheCalendarMinute_andItsKeyNamesItsStart() {
        Instant now = Instant.parse("2026-11-23T21:17:42.250Z");
        Window w = Window.minute(now);
        assertThat(w.start()).isEqualTo(Instant.parse("2026-11-23T21:17:00Z"));
        assertThat(w.end()).isEqualTo(Instant.parse("2026-11-23T21:18:00Z"));
        assertThat(w.key("rl:key:k1", "rpm")).isEqualTo("rl:key:k1:rpm:" + Instant.parse("2026-11-23T21:17:00Z").getEpochSecond());
    }

    @Test
    void dayWindow_isTheUtcDay() {
        Window w = Window.day(Instant.parse("2026-11-23T23:59:59.999Z"));
        assertThat(w.start()).isEqualTo(Instant.parse("2026-11-23T00:00:00Z"));
        assertThat(w.end()).isEqualTo(Instant.parse("2026-11-24T00:00:00Z"));
    }

    @Test
    void windowBoundary_belongsToTheNextWindow() {
        Instant boundary = Instant.parse("2026-11-23T21:18:00Z");
        assertThat(Window.minute(boundary).start()).isEqualTo(boundary);
        assertThat(Window.minute(boundary.minusNanos(1)).end()).isEqualTo(boundary);
    }

    @Test
    void retryAfter_roundsUpToWholeSeconds_andIsAtLeastOne() {
        Window w = Window.minute(Instant.parse("2026-11-23T21:17:00Z"));
        assertThat(w.retryAfterSeconds(Instant.parse("2026-11-23T21:17:42.250Z"))).isEqualTo(18);
        assertThat(w.retryAfterSeconds(Instant.parse("2026-11-23T21:17:42Z"))).isEqualTo(18);
        assertThat(w.retryAfterSeconds(Instant.parse("2026-11-23T21:17:59.999Z"))).isEqualTo(1);
        assertThat(w.retryAfterSeconds(Instant.parse("2026-11-23T21:17:00Z"))).isEqualTo(60);
        assertThat(Window.day(Instant.parse("2026-11-23T21:00:00Z")).retryAfterSeconds(Instant.parse("2026-11-23T21:00:00Z")))
                .isEqualTo(3 * 3600);
    }

    @Test
    void resetDuration_isWrittenLikeOpenAi() {
        assertThat(Window.openAiDuration(Duration.ofMillis(250))).isEqualTo("250ms");
        assertThat(Window.openAiDuration(Duration.ofMillis(17_001))).isEqualTo("18s");
        assertThat(Window.openAiDuration(Duration.ofSeconds(17))).isEqualTo("17s");
        assertThat(Window.openAiDuration(Duration.ofMinutes(6))).isEqualTo("6m0s");
        assertThat(Window.openAiDuration(Duration.ofSeconds(3723))).isEqualTo("1h2m3s");
        assertThat(Window.openAiDuration(Duration.ZERO)).isEqualTo("0ms");
    }
}
