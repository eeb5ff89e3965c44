package dev.tollgate.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.config.AlertsConfig;
import dev.tollgate.model.Alert;
import dev.tollgate.model.BudgetSnapshot;
import dev.tollgate.store.AlertStore;
import dev.tollgate.store.sqlite.SqliteAlertStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

class AlertRecorderTest {

    private static final Instant MONTH = Instant.parse("2026-11-01T00:00:00Z");
    private static final AlertStore.Query ALL = new AlertStore.Query(Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), 100);

    @TempDir
    Path dir;

    private final BudgetAlerts rules = new BudgetAlerts(Duration.ofDays(1));

    private static BudgetSnapshot at(long used) {
        return new BudgetSnapshot("b1", "imperium", "acme", Map.of("agent", "imperium"), "tokens", "month", MONTH,
                Instant.parse("2026-12-01T00:00:00Z"), used, 100, Map.of());
    }

    private AlertRecorder recorder(AlertStore store) {
        return new AlertRecorder(store, new WebhookNotifier(AlertsConfig.DEFAULTS, JsonMapper.builder().build()));
    }

    @Test
    void eachLevelFiresOnce_alsoAcrossARestart() {
        SqliteAlertStore store = new SqliteAlertStore(dir.resolve("t.db"));
        try (AlertRecorder first = recorder(store)) {
            for (long used = 75; used <= 100; used++) {
                rules.of(at(used), MONTH.plusSeconds(used)).forEach(first::raise);
            }
            first.awaitStored(Duration.ofSeconds(10));
        }
        assertThat(store.list(ALL)).extracting(Alert::level).containsExactly("emergency", "critical", "warning");

        SqliteAlertStore reopened = new SqliteAlertStore(dir.resolve("t.db"));
        try (AlertRecorder second = recorder(reopened)) {
            rules.of(at(99), MONTH.plusSeconds(500)).forEach(second::raise);
            second.awaitStored(Duration.ofSeconds(10));
        }
        assertThat(reopened.list(ALL)).hasSize(3);
    }

    @Test
    void aResetCounter_firesItsLevelsAgain_andKeepsTheEarlierAlertsListed_whileOtherCountersStayDeduplicated() {
        SqliteAlertStore store = new SqliteAlertStore(dir.resolve("r.db"));
        BudgetSnapshot guardian = new BudgetSnapshot("b1", "imperium", "acme", Map.of("agent", "guardian"), "tokens", "month", MONTH,
                Instant.parse("2026-12-01T00:00:00Z"), 85, 100, Map.of());
        try (AlertRecorder recorder = recorder(store)) {
            rules.of(at(85), MONTH.plusSeconds(10)).forEach(recorder::raise);
            rules.of(guardian, MONTH.plusSeconds(10)).forEach(recorder::raise);
            recorder.awaitStored(Duration.ofSeconds(10));
            assertThat(store.list(ALL)).hasSize(2);

            recorder.rearm("b1", "acme", Map.of("agent", "imperium"), MONTH, MONTH.plusSeconds(20));
            rules.of(at(5), MONTH.plusSeconds(30)).forEach(recorder::raise); // after the reset, below every level
            rules.of(at(85), MONTH.plusSeconds(40)).forEach(recorder::raise);
            rules.of(at(86), MONTH.plusSeconds(41)).forEach(recorder::raise);
            rules.of(guardian, MONTH.plusSeconds(40)).forEach(recorder::raise);
            recorder.awaitStored(Duration.ofSeconds(10));
        }
        List<Alert> all = store.list(ALL);
        assertThat(all).filteredOn(a -> a.agent().equals("imperium")).extracting(Alert::level, Alert::createdAt)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("warning", MONTH.plusSeconds(40)),
                        org.assertj.core.groups.Tuple.tuple("warning", MONTH.plusSeconds(10)));
        assertThat(all).filteredOn(a -> a.agent().equals("guardian")).hasSize(1);
    }

    @Test
    void listing_filtersByOrgLevelAgentAndTime() {
        SqliteAlertStore store = new SqliteAlertStore(dir.resolve("f.db"));
        List<Alert> acme = rules.of(at(96), MONTH.plusSeconds(10));
        acme.forEach(store::add);
        BudgetSnapshot other = new BudgetSnapshot("b2", "globex", "globex", Map.of("agent", "guardian"), "tokens", "month", MONTH,
                Instant.parse("2026-12-01T00:00:00Z"), 81, 100, Map.of());
        rules.of(other, MONTH.plusSeconds(20)).forEach(store::add);
        assertThat(store.list(new AlertStore.Query(Optional.of("acme"), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), 100))).hasSize(2).allMatch(a -> a.orgId().equals("acme"));
        assertThat(store.list(new AlertStore.Query(Optional.empty(), Optional.of("critical"), Optional.empty(), Optional.empty(),
                Optional.empty(), 100))).singleElement().satisfies(a -> assertThat(a.agent()).isEqualTo("imperium"));
        assertThat(store.list(new AlertStore.Query(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of("guardian"), 100))).singleElement().satisfies(a -> assertThat(a.orgId()).isEqualTo("globex"));
        assertThat(store.list(new AlertStore.Query(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of(MONTH.plusSeconds(15)), Optional.empty(), 100))).hasSize(1);
        assertThat(store.add(acme.getFirst())).as("the same dedup key again").isFalse();
    }

    @Test
    void webhookBackoff_doubles() {
        assertThat(WebhookNotifier.backoff(Duration.ofMillis(100), 1)).isEqualTo(Duration.ofMillis(100));
        assertThat(WebhookNotifier.backoff(Duration.ofMillis(100), 2)).isEqualTo(Duration.ofMillis(200));
        assertThat(WebhookNotifier.backoff(Duration.ofMillis(100), 4)).isEqualTo(Duration.ofMillis(800));
    }
}
