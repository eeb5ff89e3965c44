package dev.tollgate.bench;

import dev.tollgate.model.Usage;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.model.TimeOrderedId;
import dev.tollgate.store.UsageLedger;
import dev.tollgate.store.journal.JournaledUsageLedger;
import dev.tollgate.store.sqlite.SqliteUsageLedger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import tools.jackson.databind.json.JsonMapper;

/**
 * Events per second into the SQLite ledger: {@code threads} writers append {@code events} usage events
 * (as the request path does: through the journal, then the batched writer) and the clock stops when
 * the ledger has stored them all, rollups included.
 *
 * <p>Usage: {@code LedgerBench [events=1000000] [threads=2] [journal=true] [dir=/tmp/...]}
 */
public final class LedgerBench {

    private LedgerBench() {
    }

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        boolean journal = args.length <= 2 || Boolean.parseBoolean(args[2]);
        Path dir = args.length > 3 ? Path.of(args[3]) : Files.createTempDirectory("tollgate-ledger-bench");
        SqliteUsageLedger sqlite = new SqliteUsageLedger(dir.resolve("tollgate.db")).awaitOpen();
        UsageLedger ledger = journal ? new JournaledUsageLedger(sqlite, dir.resolve("journal"), JsonMapper.builder().build()) : sqlite;
        List<UsageEvent> warm = Generator.events(20_000, 1, Instant.now());
        warm.forEach(ledger::append);
        ledger.flush();

        long start = System.nanoTime();
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int seed = t + 2;
            writers.add(Thread.ofPlatform().start(() -> Generator.events(events / threads, seed, Instant.now()).forEach(ledger::append)));
        }
        for (Thread w : writers) {
            w.join();
        }
        long appended = System.nanoTime();
        ledger.flush();
        long stored = System.nanoTime();
        double seconds = (stored - start) / 1e9;
        System.out.printf("ledger: %d events, %d threads, journal=%s: appended in %.2f s, all stored in %.2f s -> %.0f events/s stored (count %d)%n",
                events, threads, journal, (appended - start) / 1e9, seconds, events / seconds, ledger.count() - warm.size());
        ledger.close();
    }

    /**
     * Seeded usage events shaped like a real deployment: 20 agents in 3 orgs, each agent with its own key
     * and 2 of 8 features, calling models of 6 providers; so about 20 x 2 x 8 tag combinations per hour.
     */
    static final class Generator {

        static final String[][] MODELS = {
            {"openai", "gpt-4o-mini"}, {"openai", "gpt-4o"}, {"openai", "o3-mini"}, {"anthropic", "claude-3-haiku-20240307"},
            {"anthropic", "claude-3-7-sonnet-20250219"}, {"gemini", "gemini-2.0-flash"}, {"ollama", "llama3.2"}, {"vllm", "qwen2.5-7b"}};

        private Generator() {
        }

        static List<UsageEvent> events(int n, long seed, Instant end) {
            return events(n, seed, end, Duration.ofMinutes(10));
        }

        static List<UsageEvent> events(int n, long seed, Instant end, Duration span) {
            Random r = new Random(seed);
            List<UsageEvent> out = new ArrayList<>(n);
            long spanMs = Math.max(1, span.toMillis());
            for (int i = 0; i < n; i++) {
                Instant t = end.minusMillis((long) (r.nextDouble() * spanMs));
                out.add(event(r, t));
            }
            return out;
        }

        static UsageEvent event(Random r, Instant t) {
            String[] pm = MODELS[r.nextInt(MODELS.length)];
            long input = 50 + r.nextInt(4_000);
            long output = 10 + r.nextInt(800);
            Usage usage = new Usage(input, output, r.nextInt(4) == 0 ? input / 2 : 0, 0, pm[1].startsWith("o3") ? output / 3 : 0, false);
            boolean error = r.nextInt(50) == 0;
            int agent = r.nextInt(20);
            int feature = (agent * 3 + r.nextInt(2)) % 8;
            return new UsageEvent(TimeOrderedId.next(t.toEpochMilli()).toString(), t, "req-" + r.nextLong(), "org-" + agent % 3,
                    "key-" + agent, "agent-" + agent, "feature-" + feature, "chat", "proxy", pm[0], pm[1],
                    usage, (input * 1.5e-7 + output * 6e-7), true, 0, 200 + r.nextInt(2_000), r.nextBoolean() ? 150 : -1,
                    error ? 502 : 200, error ? "upstream_error" : null, r.nextBoolean(), 1, "miss", "explicit");
        }
    }
}
