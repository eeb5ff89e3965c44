package dev.tollgate.store;

import dev.tollgate.model.UsageEvent;

/** Calls answered from the cache, and what they saved (what their misses had cost), per tier. */
public record CacheTotals(long exactHits, double exactSavedUsd, long semanticHits, double semanticSavedUsd, long workflowHits,
                          double workflowSavedUsd) {

    public static final CacheTotals ZERO = new CacheTotals(0, 0, 0, 0, 0, 0);

    public long hits() {
        return exactHits + semanticHits + workflowHits;
    }

    public CacheTotals plus(CacheTotals o) {
        return new CacheTotals(exactHits + o.exactHits, exactSavedUsd + o.exactSavedUsd, semanticHits + o.semanticHits,
                semanticSavedUsd + o.semanticSavedUsd, workflowHits + o.workflowHits, workflowSavedUsd + o.workflowSavedUsd);
    }

    /** One event's part: a hit of its tier, or nothing for a miss. */
    public static CacheTotals of(UsageEvent e) {
        String tier = e.cacheTier() == null ? "miss" : e.cacheTier();
        return switch (tier) {
            case "exact" -> new CacheTotals(1, e.savedUsd(), 0, 0, 0, 0);
            case "semantic" -> new CacheTotals(0, 0, 1, e.savedUsd(), 0, 0);
            case "workflow" -> new CacheTotals(0, 0, 0, 0, 1, e.savedUsd());
            default -> ZERO;
        };
    }
}
