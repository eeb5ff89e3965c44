package dev.tollgate.store;

import dev.tollgate.model.UsageEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The contract suite's oracle: what a ledger must answer, computed straight from the appended events,
 * field by field, with no code shared with the implementations under test.
 */
final class UsageOracle {

    private UsageOracle() {
    }

    /** Totals of {@code events}, summed here field by field; an error is a non-2xx status or an error code. */
    static UsageTotals sum(List<UsageEvent> events) {
        long requests = 0;
        long errors = 0;
        long input = 0;
        long output = 0;
        long cached = 0;
        long cacheWrite = 0;
        long reasoning = 0;
        double cost = 0;
        double saved = 0;
        long unknown = 0;
        long estimated = 0;
        long latency = 0;
        long refused = 0;
        long[] hits = new long[3];
        double[] tierSaved = new double[3];
        double routing = 0;
        for (UsageEvent e : events) {
            routing += e.priceKnown() && e.routingFreeCostUsd() > e.costUsd() ? e.routingFreeCostUsd() - e.costUsd() : 0;
            int tier = java.util.List.of("exact", "semantic", "workflow").indexOf(e.cacheTier());
            if (tier >= 0) {
                hits[tier]++;
                tierSaved[tier] += e.savedUsd();
            }
            boolean failed = e.status() < 200 || e.status() > 299 || e.errorCode() != null;
            boolean wasRefused = failed && e.attempts() == 0 && e.provider() == null;
            refused += wasRefused ? 1 : 0;
            requests++;
            errors += e.status() >= 200 && e.status() <= 299 && e.errorCode() == null ? 0 : 1;
            input += e.usage().inputTokens();
            output += e.usage().outputTokens();
            cached += e.usage().cachedTokens();
            cacheWrite += e.usage().cacheWriteTokens();
            reasoning += e.usage().reasoningTokens();
            cost += e.costUsd();
            saved += e.savedUsd();
            unknown += e.priceKnown() || wasRefused ? 0 : 1;
            estimated += e.usage().estimated() ? 1 : 0;
            latency += e.latencyMs();
        }
        return new UsageTotals(requests, errors, input, output, cached, cacheWrite, reasoning, cost, saved, unknown, estimated, latency,
                refused, new CacheTotals(hits[0], tierSaved[0], hits[1], tierSaved[1], hits[2], tierSaved[2]), routing);
    }

    static List<UsageGroup> groups(List<UsageDimension> by, List<UsageEvent> events) {
        Map<List<String>, List<UsageEvent>> grouped = new LinkedHashMap<>();
        for (UsageEvent e : events) {
            grouped.computeIfAbsent(by.stream().map(d -> tag(d, e)).toList(), k -> new ArrayList<>()).add(e);
        }
        List<UsageGroup> out = new ArrayList<>();
        grouped.forEach((keys, members) -> out.add(new UsageGroup(null, keys, sum(members))));
        return out;
    }

    static Predicate<UsageEvent> matches(UsageFilter f) {
        return e -> Objects.equals(f.org().orElse(e.orgId()), e.orgId()) && f.key().map(k -> k.equals(e.keyId())).orElse(true)
                && f.agent().map(a -> a.equals(e.agent() == null ? "" : e.agent())).orElse(true)
                && f.feature().map(v -> v.equals(e.feature())).orElse(true)
                && f.provider().map(v -> v.equals(e.provider())).orElse(true)
                && f.model().map(v -> v.equals(e.model())).orElse(true);
    }

    static String tag(UsageDimension d, UsageEvent e) {
        Function<UsageEvent, String> get = switch (d) {
            case ORG -> UsageEvent::orgId;
            case KEY -> UsageEvent::keyId;
            case AGENT -> UsageEvent::agent;
            case FEATURE -> UsageEvent::feature;
            case PROVIDER -> UsageEvent::provider;
            case MODEL -> UsageEvent::model;
        };
        String v = get.apply(e);
        return v == null ? "" : v;
    }

}
