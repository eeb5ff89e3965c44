package dev.tollgate.alerts;

import dev.tollgate.model.BudgetSnapshot;
import dev.tollgate.pipeline.PipelineListener;
import java.time.Clock;

/** Turns budget snapshots into threshold and forecast alerts; the checks are arithmetic, the rest is queued. */
public final class AlertListener implements PipelineListener {

    private final BudgetAlerts rules;
    private final AlertRecorder recorder;
    private final Clock clock;

    public AlertListener(BudgetAlerts rules, AlertRecorder recorder, Clock clock) {
        this.rules = rules;
        this.recorder = recorder;
        this.clock = clock;
    }

    @Override
    public void budgetSettled(BudgetSnapshot snapshot) {
        rules.of(snapshot, clock.instant()).forEach(recorder::raise);
    }
}
