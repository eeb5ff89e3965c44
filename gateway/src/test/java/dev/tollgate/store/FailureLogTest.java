package dev.tollgate.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A disk that flips between failing and working logs one failure and one recovery, not one pair per write. */
class FailureLogTest {

    @Test
    void flippingStorage_logsTheFirstFailureAndItsRecovery_only() {
        FailureLog log = new FailureLog();

        assertThat(log.recovered()).as("nothing failed yet").isFalse();
        assertThat(log.failed()).isTrue();
        assertThat(log.recovered()).isTrue();
        for (int flip = 0; flip < 100; flip++) {
            assertThat(log.failed()).as("flip %d", flip).isFalse();
            assertThat(log.recovered()).as("flip %d", flip).isFalse();
        }
    }
}
