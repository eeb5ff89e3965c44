package dev.tollgate.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The header values Tollgate writes itself: the cost as {@code %.8f} writes it, and header-safe text. */
class ResponseHeadersTest {

    @Test
    void usd_writesWhatPercentDotEightFWrites_forSeededCostsOfEveryMagnitude() {
        Random random = new Random(20261203);
        for (int i = 0; i < 200_000; i++) {
            double cost = random.nextDouble() * Math.pow(10, random.nextInt(12) - 9);
            assertThat(ResponseHeaders.usd(cost)).as("cost %s", cost).isEqualTo(String.format(Locale.ROOT, "%.8f", cost));
        }
        for (double cost : new double[] {0, 0.000000005, 0.000000015, 0.0000000049999, 1.0 / 3, 123456.123456785, 2.5e-9, 1e-12}) {
            assertThat(ResponseHeaders.usd(cost)).as("cost %s", cost).isEqualTo(String.format(Locale.ROOT, "%.8f", cost));
        }
    }

    @Test
    void safe_keepsVisibleAscii_andReplacesTheRest_withinFiveHundredTwelveChars() {
        assertThat(ResponseHeaders.safe("gpt-4o-mini")).isEqualTo("gpt-4o-mini");
        assertThat(ResponseHeaders.safe("modèle\r\nx")).isEqualTo("mod?le??x");
        assertThat(ResponseHeaders.safe("a".repeat(600))).hasSize(512);
    }

    @Test
    void isToken_acceptsHeaderNames_andRefusesSeparatorsAndControls() {
        assertThat(ResponseHeaders.isToken("x-ratelimit-remaining-requests")).isTrue();
        assertThat(ResponseHeaders.isToken("Retry-After")).isTrue();
        assertThat(ResponseHeaders.isToken("x-ratelimit-a b")).isFalse();
        assertThat(ResponseHeaders.isToken("x-ratelimit:a")).isFalse();
        assertThat(ResponseHeaders.isToken("x\rinjected")).isFalse();
        assertThat(ResponseHeaders.isToken("")).isFalse();
    }
}
