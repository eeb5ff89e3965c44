package dev.tollgate.pipeline;

import dev.tollgate.model.UsageEvent;
import dev.tollgate.store.UsageLedger;

/**
 * Hands every finished call's event to the ledger. Lives beside the listener interface it implements,
 * so that {@code usage} (pricing, token counts, reports) never depends on the pipeline.
 */
public final class UsageRecorder implements PipelineListener {

    private final UsageLedger ledger;

    public UsageRecorder(UsageLedger ledger) {
        this.ledger = ledger;
    }

    @Override
    public void completed(UsageEvent event) {
        ledger.append(event);
    }
}
