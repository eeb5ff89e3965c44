package dev.tollgate.bench;

import dev.tollgate.Gateway;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.store.sqlite.SqliteUsageLedger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Latency of every HTTP call the dashboard makes, over a gateway whose ledger holds {@code events}
 * usage events spread over the last {@code days} days: the real route, JSON and all, on loopback, one call
 * at a time. Reuses (and fills when short) the ledger of {@link AnalyticsBench}, so after one fill both
 * run on the same 10M events. Prints figures; never fails.
 *
 * <p>Usage: {@code DashboardBench [events=10000000] [days=35] [dir=/tmp/tollgate-analytics-bench] [runs=15]}
 */
public final class DashboardBench {

    private static final String MASTER = "sk-dashboard-bench";

    private DashboardBench() {
    }

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 10_000_000;
        int days = args.length > 1 ? Integer.parseInt(args[1]) : 35;
        Path dir = Path.of(args.length > 2 ? args[2] : "/tmp/tollgate-analytics-bench");
        int runs = args.length > 3 ? Integer.parseInt(args[3]) : 15;
        Files.createDirectories(dir);
        try (SqliteUsageLedger ledger = new SqliteUsageLedger(dir.resolve("tollgate.db"), Duration.ZERO).awaitOpen()) {
            AnalyticsBench.fillUpTo(ledger, events, days, dir, Instant.now());
        }
        try (Gateway gateway = Gateway.start(config(dir))) {
            HttpClient http = HttpClient.newHttpClient();
            String base = gateway.baseUrl().toString();
            Map<String, String> calls = calls(http, base);
            System.out.printf("%-72s %10s %10s %10s %9s%n", "GET (master key unless org_id)", "p50 ms", "max ms", "first ms", "bytes");
            for (var call : calls.entrySet()) {
                long[] us = new long[runs];
                int bytes = 0;
                for (int i = 0; i < runs; i++) {
                    long t0 = System.nanoTime();
                    bytes = get(http, base + call.getValue()).length();
                    us[i] = (System.nanoTime() - t0) / 1_000;
                }
                long first = us[0];
                Arrays.sort(us);
                System.out.printf("%-72s %10.1f %10.1f %10.1f %9d%n", call.getKey(), us[runs / 2] / 1000.0, us[runs - 1] / 1000.0,
                        first / 1000.0, bytes);
            }
        }
    }

    /** What the page asks for on sign-in and on each control, for all orgs and for one org. */
    private static Map<String, String> calls(HttpClient http, String base) throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("whoami", "/analytics/whoami");
        out.put("orgs", "/governance/orgs");
        for (String period : new String[] {"24h", "7d", "30d", "month"}) {
            out.put("cost-summary period=" + period, "/analytics/cost-summary?period=" + period);
        }
        out.put("timeseries period=24h interval=hour", "/analytics/timeseries?period=24h&interval=hour");
        out.put("timeseries period=7d interval=day", "/analytics/timeseries?period=7d&interval=day");
        out.put("timeseries period=30d interval=day", "/analytics/timeseries?period=30d&interval=day");
        out.put("timeseries period=7d interval=hour", "/analytics/timeseries?period=7d&interval=hour");
        out.put("timeseries period=month interval=day org_id=org-1", "/analytics/timeseries?period=month&interval=day&org_id=org-1");
        for (String by : new String[] {"model", "provider", "key", "agent", "feature"}) {
            out.put("breakdown by=" + by + " period=24h", "/analytics/breakdown?by=" + by + "&period=24h");
        }
        out.put("breakdown by=agent period=30d", "/analytics/breakdown?by=agent&period=30d");
        out.put("breakdown by=key period=30d org_id=org-1", "/analytics/breakdown?by=key&period=30d&org_id=org-1");
        out.put("forecast", "/analytics/forecast");
        out.put("forecast org_id=org-1", "/analytics/forecast?org_id=org-1");
        out.put("provider-status", "/api/token-usage/provider-status");
        out.put("governance/budgets", "/governance/budgets");
        out.put("alerts limit=200", "/api/token-usage/alerts?limit=200");
        out.put("recent-inferences limit=25", "/analytics/recent-inferences?limit=25");
        out.put("recent-inferences limit=25 agent=agent-7", "/analytics/recent-inferences?limit=25&agent=agent-7");
        out.put("recent-inferences limit=25 org_id=org-1", "/analytics/recent-inferences?limit=25&org_id=org-1");
        // A page deep in the listing: the cursor after 40 pages of 25.
        String cursor = null;
        JsonMapper json = JsonMapper.builder().build();
        for (int page = 0; page < 40; page++) {
            JsonNode answer = json.readTree(get(http, base + "/analytics/recent-inferences?limit=25" + (cursor == null ? "" : "&before=" + cursor)));
            cursor = answer.path("next_cursor").asString(null);
        }
        out.put("recent-inferences limit=25 page 41 (before=cursor)", "/analytics/recent-inferences?limit=25&before=" + cursor);
        return out;
    }

    private static String get(HttpClient http, String url) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + MASTER).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    /** A gateway on the bench's ledger: the master key, the simulator, a budget per agent (provider-status has rows), no pruning. */
    private static TollgateConfig config(Path dir) throws Exception {
        Path file = Files.createTempFile("tollgate-dashboard-bench", ".yaml");
        Files.writeString(file, """
                server: {host: 127.0.0.1, port: 0}
                master_key: %s
                data_dir: %s
                ledger: {retention_days: 0}
                providers:
                  - {name: sim, kind: simulated}
                budgets:
                  - {name: tokens-per-agent, scope: {agent: "*"}, metric: tokens, period: month, limit: 1000000000000}
                """.formatted(MASTER, dir.toAbsolutePath()));
        try {
            return new ConfigLoader(Map.of()).load(Optional.of(file));
        } finally {
            Files.delete(file);
        }
    }
}
