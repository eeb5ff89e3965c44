package dev.tollgate.cli;

import dev.tollgate.ScaleOutStoreFactory;
import dev.tollgate.config.ConfigException;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.StorageConfig;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.store.StoreUnavailableException;
import dev.tollgate.store.UsageDimension;
import dev.tollgate.store.UsageFilter;
import dev.tollgate.store.UsageGroup;
import dev.tollgate.store.UsageTotals;
import dev.tollgate.store.postgres.PostgresDatabase;
import dev.tollgate.store.postgres.PostgresUsageLedger;
import dev.tollgate.store.sqlite.SqliteUsageLedger;
import dev.tollgate.usage.UsagePeriod;
import dev.tollgate.usage.UsageReports;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tollgate usage}: the analytics figures as a table, read straight from the data directory. */
@Command(name = "usage", mixinStandardHelpOptions = true,
        description = "Show usage and cost by agent, model, provider, key or feature, from the local ledger (no server needed).")
final class UsageCommand implements Callable<Integer> {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

    @Option(names = "--period", defaultValue = "30d", description = "1h, 24h, 7d, 30d, day or month (default: ${DEFAULT-VALUE}).")
    String period;

    @Option(names = "--by", defaultValue = "agent", description = "agent, model, provider, key or feature (default: ${DEFAULT-VALUE}).")
    String by;

    @Option(names = "--data", paramLabel = "DIR", description = "Data directory (default: the config's, else ./data).")
    Path data;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration whose data_dir to read.")
    Path config;

    @Override
    public Integer call() {
        UsageDimension dimension = UsageDimension.fromWire(by);
        if (dimension == null || dimension == UsageDimension.ORG) {
            System.err.println("tollgate usage: --by " + by + " (expected: agent, model, provider, key or feature)");
            return Launcher.EXIT_BAD_CONFIG;
        }
        Clock clock = Clock.systemUTC();
        UsagePeriod window = UsagePeriod.parse(period, clock.instant());
        if (window == null) {
            System.err.println("tollgate usage: --period " + period + " (expected: " + UsagePeriod.CHOICES + ")");
            return Launcher.EXIT_BAD_CONFIG;
        }
        TollgateConfig loaded = null;
        try {
            if (data == null) {
                loaded = new ConfigLoader(System.getenv()).load(Optional.ofNullable(config));
            }
        } catch (ConfigException e) {
            System.err.println("tollgate usage: the configuration has problems:");
            e.problems().forEach(p -> System.err.println("  - " + p));
            return Launcher.EXIT_BAD_CONFIG;
        }
        if (loaded != null && loaded.storage().kind() == StorageConfig.Kind.POSTGRES) {
            // The shared ledger every instance writes to.
            try (PostgresDatabase database = PostgresDatabase.open(ScaleOutStoreFactory.postgresSettings(loaded.storage()));
                 PostgresUsageLedger ledger = new PostgresUsageLedger(database, java.time.Duration.ZERO)) {
                print(System.out, dimension, window, new UsageReports(ledger, clock).breakdown(dimension, UsageFilter.ALL, window));
            } catch (StoreUnavailableException e) {
                System.err.println("tollgate usage: " + e.getMessage());
                return 1;
            }
            return 0;
        }
        Path dir = data != null ? data : loaded.dataDir();
        Path file = dir.resolve("tollgate.db");
        if (!Files.exists(file)) {
            System.err.println("tollgate usage: no ledger at " + file + " (nothing recorded yet, or another --data)");
            return 1;
        }
        try (SqliteUsageLedger ledger = new SqliteUsageLedger(file)) {
            ledger.awaitOpen();
            List<UsageGroup> rows = new UsageReports(ledger, clock).breakdown(dimension, UsageFilter.ALL, window);
            print(System.out, dimension, window, rows);
        }
        return 0;
    }

    static void print(PrintStream out, UsageDimension by, UsagePeriod window, List<UsageGroup> rows) {
        out.printf("Usage for %s (%s to %s UTC), by %s%n%n", window.name(), TIME.format(window.from()), TIME.format(window.to()), by.wireName());
        String format = "%-28s %10s %8s %14s %14s %14s%n";
        out.printf(format, by.wireName().toUpperCase(Locale.ROOT), "REQUESTS", "ERRORS", "INPUT TOKENS", "OUTPUT TOKENS", "COST (USD)");
        UsageTotals total = UsageTotals.ZERO;
        for (UsageGroup g : rows) {
            line(out, format, g.key().isEmpty() ? "(none)" : g.key(), g.totals());
            total = total.plus(g.totals());
        }
        line(out, format, "TOTAL", total);
        if (total.priceUnknown() > 0) {
            out.printf("%n%d calls used models without a known price; their cost is not included.%n", total.priceUnknown());
        }
        if (total.refused() > 0) {
            out.printf("%n%d calls were refused by Tollgate (budget, rate limit, bad request) before reaching a provider; they cost nothing.%n",
                    total.refused());
        }
    }

    private static void line(PrintStream out, String format, String name, UsageTotals t) {
        out.printf(Locale.ROOT, format, name.length() > 28 ? name.substring(0, 27) + "…" : name, t.requests(), t.errors(),
                t.inputTokens(), t.outputTokens(), String.format(Locale.ROOT, "%.6f", t.costUsd()));
    }
}
