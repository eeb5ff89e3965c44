package dev.tollgate.store;

/**
 * Sums over a set of calls. {@code errors} counts calls that did not end with a 2xx status;
 * {@code refused} those of them Tollgate answered itself before any provider was reached (budget, rate
 * limit, bad request), which cost nothing and so are never counted in {@code priceUnknown}; {@code cache}
 * the calls answered from the cache, per tier, with what they saved ({@code savedUsd} is their sum);
 * {@code routingSavedUsd} what autopilot routing saved against the strongest fitting candidate.
 */
public record UsageTotals(long requests, long errors, long inputTokens, long outputTokens, long cachedTokens,
                          long cacheWriteTokens, long reasoningTokens, double costUsd, double savedUsd,
                          long priceUnknown, long estimated, long latencyMsSum, long refused, CacheTotals cache,
                          double routingSavedUsd) {

    public static final UsageTotals ZERO = new UsageTotals(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, CacheTotals.ZERO, 0);

    /** Totals without routing savings. */
    public UsageTotals(long requests, long errors, long inputTokens, long outputTokens, long cachedTokens,
                       long cacheWriteTokens, long reasoningTokens, double costUsd, double savedUsd,
                       long priceUnknown, long estimated, long latencyMsSum, long refused, CacheTotals cache) {
        this(requests, errors, inputTokens, outputTokens, cachedTokens, cacheWriteTokens, reasoningTokens, costUsd, savedUsd,
                priceUnknown, estimated, latencyMsSum, refused, cache, 0);
    }

    /** Totals without cache hits. */
    public UsageTotals(long requests, long errors, long inputTokens, long outputTokens, long cachedTokens,
                       long cacheWriteTokens, long reasoningTokens, double costUsd, double savedUsd,
                       long priceUnknown, long estimated, long latencyMsSum, long refused) {
        this(requests, errors, inputTokens, outputTokens, cachedTokens, cacheWriteTokens, reasoningTokens, costUsd, savedUsd,
                priceUnknown, estimated, latencyMsSum, refused, CacheTotals.ZERO);
    }

    /** Totals of a store that does not count refusals apart (yet): none refused. */
    public UsageTotals(long requests, long errors, long inputTokens, long outputTokens, long cachedTokens,
                       long cacheWriteTokens, long reasoningTokens, double costUsd, double savedUsd,
                       long priceUnknown, long estimated, long latencyMsSum) {
        this(requests, errors, inputTokens, outputTokens, cachedTokens, cacheWriteTokens, reasoningTokens, costUsd, savedUsd,
                priceUnknown, estimated, latencyMsSum, 0);
    }

    /**
     * The share of calls answered from the cache, among those that reached it (calls Tollgate refused never did);
     * 0 without any.
     */
    public double cacheHitRate() {
        long reached = requests - refused;
        return reached <= 0 ? 0 : (double) cache.hits() / reached;
    }

    public long totalTokens() {
        return inputTokens + outputTokens;
    }

    public UsageTotals plus(UsageTotals o) {
        return new UsageTotals(requests + o.requests, errors + o.errors, inputTokens + o.inputTokens,
                outputTokens + o.outputTokens, cachedTokens + o.cachedTokens, cacheWriteTokens + o.cacheWriteTokens,
                reasoningTokens + o.reasoningTokens, costUsd + o.costUsd, savedUsd + o.savedUsd,
                priceUnknown + o.priceUnknown, estimated + o.estimated, latencyMsSum + o.latencyMsSum, refused + o.refused,
                cache.plus(o.cache), routingSavedUsd + o.routingSavedUsd);
    }

    /** The totals of one event. */
    public static UsageTotals of(dev.tollgate.model.UsageEvent e) {
        var u = e.usage();
        boolean error = e.status() < 200 || e.status() >= 300 || e.errorCode() != null;
        boolean refused = e.refused();
        return new UsageTotals(1, error ? 1 : 0, u.inputTokens(), u.outputTokens(), u.cachedTokens(), u.cacheWriteTokens(),
                u.reasoningTokens(), e.costUsd(), e.savedUsd(), e.priceKnown() || refused ? 0 : 1, u.estimated() ? 1 : 0,
                e.latencyMs(), refused ? 1 : 0, CacheTotals.of(e), e.routingSavedUsd());
    }
}
