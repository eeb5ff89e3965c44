package dev.tollgate.store.jdbc;

import dev.tollgate.model.UsageEvent;
import dev.tollgate.store.CacheTotals;
import dev.tollgate.store.UsageBuckets;
import dev.tollgate.store.UsageTotals;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What one stored batch adds to the hourly and the daily rollups: the sums of the events actually
 * inserted (a replayed event adds nothing), one row per bucket and combination of tags.
 *
 * <p>The writer thread sums every event of a batch of thousands, so the sums are mutable (one per row,
 * not a new {@link UsageTotals} per event and rollup), and the daily rows are summed from the hourly ones.
 */
public record Rollups(Map<Key, UsageTotals> hours, Map<Key, UsageTotals> days) {

    /** The rollup row an event adds to; missing tags are {@code ""}. */
    public record Key(long bucket, String org, String key, String agent, String feature, String provider, String model) {

        static Key of(long bucket, UsageEvent e) {
            return new Key(bucket, tag(e.orgId()), tag(e.keyId()), tag(e.agent()), tag(e.feature()), tag(e.provider()), tag(e.model()));
        }

        Key in(long otherBucket) {
            return new Key(otherBucket, org, key, agent, feature, provider, model);
        }
    }

    /** The sums of {@code batch.get(i)} for every {@code i} with {@code inserted[i]}. */
    public static Rollups of(List<UsageEvent> batch, boolean[] inserted) {
        Map<Key, Sum> hours = new HashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            if (!inserted[i]) {
                continue;
            }
            UsageEvent e = batch.get(i);
            hours.computeIfAbsent(Key.of(UsageBuckets.hour(e.time()), e), k -> new Sum()).add(UsageTotals.of(e));
        }
        Map<Key, Sum> days = new HashMap<>();
        for (var hour : hours.entrySet()) {
            long day = UsageBuckets.day(Instant.ofEpochMilli(hour.getKey().bucket()));
            days.computeIfAbsent(hour.getKey().in(day), k -> new Sum()).add(hour.getValue().totals());
        }
        return new Rollups(totals(hours), totals(days));
    }

    public static String tag(String value) {
        return value == null ? "" : value;
    }

    private static Map<Key, UsageTotals> totals(Map<Key, Sum> sums) {
        Map<Key, UsageTotals> out = HashMap.newHashMap(sums.size());
        sums.forEach((k, sum) -> out.put(k, sum.totals()));
        return out;
    }

    /** One row's running sums, the fields of {@link UsageTotals}. */
    private static final class Sum {
        private long requests;
        private long errors;
        private long inputTokens;
        private long outputTokens;
        private long cachedTokens;
        private long cacheWriteTokens;
        private long reasoningTokens;
        private double costUsd;
        private double savedUsd;
        private long priceUnknown;
        private long estimated;
        private long latencyMsSum;
        private long refused;
        private long exactHits;
        private double exactSavedUsd;
        private long semanticHits;
        private double semanticSavedUsd;
        private long workflowHits;
        private double workflowSavedUsd;
        private double routingSavedUsd;

        void add(UsageTotals t) {
            requests += t.requests();
            errors += t.errors();
            inputTokens += t.inputTokens();
            outputTokens += t.outputTokens();
            cachedTokens += t.cachedTokens();
            cacheWriteTokens += t.cacheWriteTokens();
            reasoningTokens += t.reasoningTokens();
            costUsd += t.costUsd();
            savedUsd += t.savedUsd();
            priceUnknown += t.priceUnknown();
            estimated += t.estimated();
            latencyMsSum += t.latencyMsSum();
            refused += t.refused();
            CacheTotals c = t.cache();
            exactHits += c.exactHits();
            exactSavedUsd += c.exactSavedUsd();
            semanticHits += c.semanticHits();
            semanticSavedUsd += c.semanticSavedUsd();
            workflowHits += c.workflowHits();
            workflowSavedUsd += c.workflowSavedUsd();
            routingSavedUsd += t.routingSavedUsd();
        }

        UsageTotals totals() {
            return new UsageTotals(requests, errors, inputTokens, outputTokens, cachedTokens, cacheWriteTokens, reasoningTokens, costUsd,
                    savedUsd, priceUnknown, estimated, latencyMsSum, refused,
                    new CacheTotals(exactHits, exactSavedUsd, semanticHits, semanticSavedUsd, workflowHits, workflowSavedUsd),
                    routingSavedUsd);
        }
    }
}
