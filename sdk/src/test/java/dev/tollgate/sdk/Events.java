package dev.tollgate.sdk;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Usage events for the reporter tests, each with its own id. */
final class Events {

    private static final AtomicInteger IDS = new AtomicInteger();

    private Events() {
    }

    static UsageRecord one(String model) {
        return new UsageRecord("evt-" + IDS.incrementAndGet(), Instant.now(), "openai", model, TokenUsage.of(12, 3), 40, -1, 200,
                null, "reporter-test", null, false, null, "chat");
    }

    static List<UsageRecord> many(int n) {
        List<UsageRecord> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(one("gpt-4o-mini"));
        }
        return out;
    }

    static List<String> ids(List<UsageRecord> records) {
        return records.stream().map(UsageRecord::eventId).toList();
    }
}
