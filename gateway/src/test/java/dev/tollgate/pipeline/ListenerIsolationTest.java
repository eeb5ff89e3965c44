package dev.tollgate.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.tollgate.model.Usage;
import dev.tollgate.model.UsageEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A listener that throws (a usage recorder on a broken disk, before the journal learnt not to) neither
 * fails the call nor keeps the listeners after it, such as the budget charge, from running.
 */
class ListenerIsolationTest {

    @Test
    void aThrowingListener_isLogged_andTheOthersStillRun() {
        List<String> calls = new ArrayList<>();
        PipelineListener failing = new PipelineListener() {
            @Override
            public void completed(UsageEvent event) {
                calls.add("recorder");
                throw new IllegalStateException("cannot write the usage journal");
            }
        };
        PipelineListener charge = new PipelineListener() {
            @Override
            public void completed(UsageEvent event) {
                calls.add("budget charge " + event.id());
            }
        };
        PipelineListener all = PipelineListener.all(List.of(failing, charge));
        UsageEvent event = new UsageEvent("evt-1", Instant.parse("2026-03-10T12:00:00Z"), "req-1", "org", "key", null, null, "chat",
                "proxy", "openai", "gpt-4o-mini", new Usage(10, 5, 0, 0, false), 0.0001, true, 0, 10, -1, 200, null, false, 1, "miss", null);

        assertThatCode(() -> all.completed(event)).doesNotThrowAnyException();

        assertThat(calls).containsExactly("recorder", "budget charge evt-1");
    }
}
