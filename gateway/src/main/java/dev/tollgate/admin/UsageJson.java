package dev.tollgate.admin;

import dev.tollgate.model.UsageEvent;
import dev.tollgate.store.CacheTotals;
import dev.tollgate.store.UsageTotals;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The JSON shapes of usage figures, shared by every analytics route. */
final class UsageJson {

    private final JsonMapper json;

    UsageJson(JsonMapper json) {
        this.json = json;
    }

    ObjectNode object() {
        return json.createObjectNode();
    }

    /** Writes the totals' fields into {@code into} and returns it. */
    ObjectNode totals(ObjectNode into, UsageTotals t) {
        into.put("requests", t.requests()).put("errors", t.errors())
                .put("input_tokens", t.inputTokens()).put("output_tokens", t.outputTokens())
                .put("cached_tokens", t.cachedTokens()).put("cache_write_tokens", t.cacheWriteTokens())
                .put("reasoning_tokens", t.reasoningTokens()).put("total_tokens", t.totalTokens())
                .put("cost_usd", round(t.costUsd())).put("cache_savings_usd", round(t.savedUsd()))
                .put("routing_savings_usd", round(t.routingSavedUsd()))
                .put("price_unknown_requests", t.priceUnknown()).put("refused_requests", t.refused())
                .put("estimated_requests", t.estimated())
                .put("avg_latency_ms", t.requests() == 0 ? 0 : Math.round((double) t.latencyMsSum() / t.requests()));
        CacheTotals c = t.cache();
        into.put("cache_hits", c.hits()).put("cache_hit_rate", Math.round(t.cacheHitRate() * 10_000) / 10_000.0);
        ObjectNode tiers = into.putObject("cache_tiers");
        tier(tiers, "exact", c.exactHits(), c.exactSavedUsd(), t);
        tier(tiers, "semantic", c.semanticHits(), c.semanticSavedUsd(), t);
        tier(tiers, "workflow", c.workflowHits(), c.workflowSavedUsd(), t);
        return into;
    }

    /** One tier's hits, their share of the calls that reached the cache, and what they saved. */
    private static void tier(ObjectNode tiers, String name, long hits, double saved, UsageTotals t) {
        long reached = t.requests() - t.refused();
        tiers.putObject(name).put("hits", hits).put("hit_rate", reached <= 0 ? 0 : Math.round(hits * 10_000.0 / reached) / 10_000.0)
                .put("savings_usd", round(saved));
    }

    ObjectNode event(UsageEvent e) {
        ObjectNode n = json.createObjectNode();
        n.put("id", e.id()).put("time", e.time().toString()).put("request_id", e.requestId()).put("org_id", e.orgId())
                .put("key_id", e.keyId()).put("agent", e.agent()).put("feature", e.feature()).put("endpoint", e.endpoint())
                .put("source", e.source()).put("provider", e.provider()).put("model", e.model())
                .put("input_tokens", e.usage().inputTokens()).put("output_tokens", e.usage().outputTokens())
                .put("cached_tokens", e.usage().cachedTokens()).put("cache_write_tokens", e.usage().cacheWriteTokens())
                .put("reasoning_tokens", e.usage().reasoningTokens()).put("estimated", e.usage().estimated())
                .put("cost_usd", round(e.costUsd())).put("price_known", e.priceKnown()).put("cache_savings_usd", round(e.savedUsd()))
                .put("routing_free_cost_usd", round(e.routingFreeCostUsd())).put("routing_savings_usd", round(e.routingSavedUsd()))
                .put("latency_ms", e.latencyMs()).put("ttft_ms", e.firstTokenMs()).put("status", e.status())
                .put("error_code", e.errorCode()).put("stream", e.stream()).put("attempts", e.attempts())
                .put("cache", e.cacheTier()).put("cache_tier", e.cacheTier()).put("cost_avoided_usd", round(e.savedUsd()))
                .put("routing_reason", e.routingReason());
        return n;
    }

    /** Dollars to the micro-dollar's hundredth, so sums of float prices read cleanly. */
    static double round(double usd) {
        return Math.round(usd * 1e8) / 1e8;
    }
}
