package dev.tollgate.store.jdbc;

import dev.tollgate.model.UsageEvent;
import dev.tollgate.store.UsageBuckets;
import dev.tollgate.store.UsageTotals;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What one stored batch adds to the hourly and the daily rollups: the sums of the events actually
 * inserted (a replayed event adds nothing), one row per bucket and combination of tags.
 */
public record Rollups(Map<Key, UsageTotals> hours, Map<Key, UsageTotals> days) {

    /** The rollup row an event adds to; missing tags are {@code ""}. */
    public record Key(long bucket, String org, String key, String agent, String feature, String provider, String model) {

        static Key of(long bucket, UsageEvent e) {
            return new Key(bucket, tag(e.orgId()), tag(e.keyId()), tag(e.agent()), tag(e.feature()), tag(e.provider()), tag(e.model()));
        }
    }

    /** The sums of {@code batch.get(i)} for every {@code i} with {@code inserted[i]}. */
    public static Rollups of(List<UsageEvent> batch, boolean[] inserted) {
        Map<Key, UsageTotals> hours = new HashMap<>();
        Map<Key, UsageTotals> days = new HashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            if (!inserted[i]) {
                continue;
            }
            UsageEvent e = batch.get(i);
            UsageTotals t = UsageTotals.of(e);
            hours.merge(Key.of(UsageBuckets.hour(e.time()), e), t, UsageTotals::plus);
            days.merge(Key.of(UsageBuckets.day(e.time()), e), t, UsageTotals::plus);
        }
        return new Rollups(hours, days);
    }

    public static String tag(String value) {
        return value == null ? "" : value;
    }
}
