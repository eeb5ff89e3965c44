package dev.tollgate.usage;

import dev.tollgate.model.UsageEvent;
import dev.tollgate.pipeline.PipelineListener;
import dev.tollgate.store.UsageLedger;

/** Listens for finished calls and hands their events to the ledger. */
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
