package dev.tollgate.usage;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetentionTaskTest {

    private static final Clock NOW = Clock.fixed(Instant.parse("2026-12-02T12:00:00Z"), ZoneOffset.UTC);

    @Test
    void aPurge_deletesWhatIsOlderThanItsOwnRetention() {
        List<Instant> cutoffs = new ArrayList<>();
        RetentionTask.run(new RetentionTask.Purge("kept responses", Duration.ofDays(30), cutoff -> {
            cutoffs.add(cutoff);
            return 3;
        }), NOW);
        RetentionTask.run(new RetentionTask.Purge("usage events", Duration.ofDays(90), cutoff -> {
            cutoffs.add(cutoff);
            return 0;
        }), NOW);
        assertThat(cutoffs).containsExactly(Instant.parse("2026-11-02T12:00:00Z"), Instant.parse("2026-09-03T12:00:00Z"));
    }

    @Test
    void aFailingPurge_isLogged_notThrown() {
        RetentionTask.run(new RetentionTask.Purge("kept responses", Duration.ofDays(1), cutoff -> {
            throw new IllegalStateException("database is locked");
        }), NOW);
    }
}
