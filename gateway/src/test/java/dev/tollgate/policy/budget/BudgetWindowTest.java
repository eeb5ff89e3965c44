package dev.tollgate.policy.budget;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.config.BudgetRuleConfig.Period;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class BudgetWindowTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @Test
    void month_inUtc_runsFromTheFirstToTheFirstOfTheNextMonth() {
        BudgetWindow w = BudgetWindow.of(Period.MONTH, ZoneOffset.UTC, Instant.parse("2026-11-30T23:59:59.999Z"));

        assertThat(w.label()).isEqualTo("2026-11");
        assertThat(w.start()).isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
        assertThat(w.end()).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
        assertThat(w.secondsLeft(Instant.parse("2026-11-30T23:59:00Z"))).isEqualTo(60);
    }

    @Test
    void month_rollsOverAtMidnight_andAcrossTheYear() {
        assertThat(BudgetWindow.of(Period.MONTH, ZoneOffset.UTC, Instant.parse("2026-12-01T00:00:00Z")).label()).isEqualTo("2026-12");
        BudgetWindow december = BudgetWindow.of(Period.MONTH, ZoneOffset.UTC, Instant.parse("2026-12-31T12:00:00Z"));
        assertThat(december.end()).isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
        BudgetWindow february = BudgetWindow.of(Period.MONTH, ZoneOffset.UTC, Instant.parse("2028-02-29T08:00:00Z"));
        assertThat(february.start()).isEqualTo(Instant.parse("2028-02-01T00:00:00Z"));
        assertThat(february.end()).isEqualTo(Instant.parse("2028-03-01T00:00:00Z"));
    }

    @Test
    void day_endsAtTheNextMidnight() {
        BudgetWindow w = BudgetWindow.of(Period.DAY, ZoneOffset.UTC, Instant.parse("2026-11-23T23:59:59Z"));

        assertThat(w.label()).isEqualTo("2026-11-23");
        assertThat(w.start()).isEqualTo(Instant.parse("2026-11-23T00:00:00Z"));
        assertThat(w.end()).isEqualTo(Instant.parse("2026-11-24T00:00:00Z"));
        assertThat(BudgetWindow.of(Period.DAY, ZoneOffset.UTC, Instant.parse("2026-11-24T00:00:00Z")).label()).isEqualTo("2026-11-24");
    }

    @Test
    void aTimeZone_movesThePeriodEdgesToLocalMidnight() {
        // 23:30 UTC on Nov 30 is already December 1st in Berlin (UTC+1 in winter).
        BudgetWindow month = BudgetWindow.of(Period.MONTH, BERLIN, Instant.parse("2026-11-30T23:30:00Z"));
        assertThat(month.label()).isEqualTo("2026-12");
        assertThat(month.start()).isEqualTo(Instant.parse("2026-11-30T23:00:00Z"));
        assertThat(month.end()).isEqualTo(Instant.parse("2026-12-31T23:00:00Z"));

        BudgetWindow day = BudgetWindow.of(Period.DAY, ZoneId.of("America/New_York"), Instant.parse("2026-11-24T03:00:00Z"));
        assertThat(day.label()).isEqualTo("2026-11-23");
        assertThat(day.end()).isEqualTo(Instant.parse("2026-11-24T05:00:00Z"));
    }

    @Test
    void aDayWithADaylightSavingChange_isShorterOrLonger() {
        BudgetWindow spring = BudgetWindow.of(Period.DAY, BERLIN, Instant.parse("2026-03-29T12:00:00Z"));
        assertThat(java.time.Duration.between(spring.start(), spring.end())).hasHours(23);
        BudgetWindow autumn = BudgetWindow.of(Period.DAY, BERLIN, Instant.parse("2026-10-25T12:00:00Z"));
        assertThat(java.time.Duration.between(autumn.start(), autumn.end())).hasHours(25);
    }

    @Test
    void total_neverEnds() {
        BudgetWindow w = BudgetWindow.of(Period.TOTAL, ZoneOffset.UTC, Instant.parse("2026-11-23T10:00:00Z"));

        assertThat(w.label()).isEqualTo("total");
        assertThat(w.start()).isEqualTo(Instant.EPOCH);
        assertThat(w.ends()).isFalse();
    }
}
