package dev.tollgate.metrics;

import dev.tollgate.config.ProviderConfig;
import dev.tollgate.model.Principal;
import dev.tollgate.policy.budget.BudgetStatus;
import dev.tollgate.policy.ratelimit.RateLimitPolicy;
import dev.tollgate.store.LedgerBacklog;
import dev.tollgate.store.UsageLedger;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The gateway's Prometheus registry: the {@link MetricsListener}'s meters, and gauges read when
 * {@code /metrics} is scraped (never on the request path): budget utilisation per rule (its highest
 * counter in the current period), rate-limit headroom per provider and window, the ledger's queue depth
 * and the journal's backlog. Gauge sources that fail are logged by Micrometer and left at their last value.
 */
public final class GatewayMetrics {

    /** What the scrape-time gauges read. */
    public record Sources(UsageLedger ledger, BudgetStatus budgets, RateLimitPolicy rateLimits, List<ProviderConfig> providers) {
    }

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final MetricsListener listener;
    private volatile Sources sources;
    private final MultiGauge budgetUtilization;
    private final MultiGauge headroom;
    private final AtomicReference<LedgerBacklog> backlog = new AtomicReference<>(LedgerBacklog.NONE);
    private final ReentrantLock scraping = new ReentrantLock();

    public GatewayMetrics(ModelLabels models, java.util.Set<String> providerLabels) {
        this.listener = new MetricsListener(registry, models, providerLabels);
        this.budgetUtilization = MultiGauge.builder("tollgate.budget.utilization")
                .description("Share of the budget used in its current period (1 = exhausted); the highest of the rule's counters")
                .register(registry);
        this.headroom = MultiGauge.builder("tollgate.ratelimit.headroom")
                .description("What a provider's rate limit has left in its current window (requests or tokens)").register(registry);
        Gauge.builder("tollgate.ledger.queue.depth", backlog, b -> b.get().queuedEvents())
                .description("Usage events accepted and waiting for the ledger's database writer").register(registry);
        Gauge.builder("tollgate.journal.held.events", backlog, b -> b.get().heldEvents())
                .description("Usage events held in memory because the journal cannot write its disk").register(registry);
        Gauge.builder("tollgate.journal.segments", backlog, b -> b.get().journalSegments())
                .description("Journal segment files not yet retired (the open one, and full ones awaiting the ledger)")
                .register(registry);
    }

    /** What the scrape-time gauges read; given once the policies exist (they are built after the listeners). */
    public void read(Sources from) {
        this.sources = from;
    }

    /** The listener that feeds the meters; one of the pipeline's listeners. */
    public MetricsListener listener() {
        return listener;
    }

    /** Prometheus' text exposition format (0.0.4), after refreshing the scrape-time gauges. */
    public String scrape() {
        scraping.lock();
        try {
            refresh();
            return registry.scrape();
        } finally {
            scraping.unlock();
        }
    }

    /** The registry itself (tests and the benchmark read meters from it). */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    private void refresh() {
        Sources sources = this.sources;
        if (sources == null) {
            return;
        }
        backlog.set(sources.ledger().backlog());
        Map<String, Double> byRule = new LinkedHashMap<>();
        for (BudgetStatus.Standing s : sources.budgets().all(Principal.open())) {
            byRule.merge(s.counter().rule().name(), s.fraction(), Math::max);
        }
        List<MultiGauge.Row<?>> rules = new ArrayList<>();
        byRule.forEach((rule, fraction) -> rules.add(MultiGauge.Row.of(Tags.of("budget", rule), fraction)));
        budgetUtilization.register(rules, true);
        List<MultiGauge.Row<?>> windows = new ArrayList<>();
        for (ProviderConfig p : sources.providers()) {
            sources.rateLimits().headroom(p).forEach((window, left) ->
                    windows.add(MultiGauge.Row.of(Tags.of(MetricsListener.PROVIDER, p.name(), "window", window), left)));
        }
        headroom.register(windows, true);
    }
}
