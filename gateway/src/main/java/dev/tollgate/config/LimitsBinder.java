package dev.tollgate.config;

import dev.tollgate.model.RateLimits;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Binds {@code providers[].limits}, {@code rate_limits} and {@code alerts}, reporting problems with their paths. */
final class LimitsBinder {

    static final long MAX_LIMIT = 1_000_000_000_000L;

    private LimitsBinder() {
    }

    /** {@code limits: {rpm, rpd, tpm, max_tokens_per_request}} of one provider. */
    static RateLimits deployment(ConfigTree t) {
        t.rejectUnknown(Set.of("rpm", "rpd", "tpm", "max_tokens_per_request"));
        return new RateLimits(limit(t, "rpm"), limit(t, "rpd"), limit(t, "tpm"), limit(t, "max_tokens_per_request"));
    }

    static RateLimitsConfig rateLimits(ConfigTree t) {
        t.rejectUnknown(Set.of("default_key", "default_max_tokens"));
        ConfigTree key = t.child("default_key");
        key.rejectUnknown(Set.of("rpm", "tpm"));
        RateLimits defaultKey = RateLimits.perKey(limit(key, "rpm"), limit(key, "tpm"));
        int maxTokens = (int) t.number("default_max_tokens", RateLimitsConfig.DEFAULTS.defaultMaxTokens(), 0, 10_000_000);
        return new RateLimitsConfig(defaultKey, maxTokens);
    }

    static AlertsConfig alerts(ConfigTree t) {
        t.rejectUnknown(Set.of("webhooks", "spike_multiple", "spike_trailing_hours", "spike_check_seconds", "forecast_after_hours",
                "webhook_attempts", "webhook_backoff_ms", "webhook_timeout_ms"));
        AlertsConfig d = AlertsConfig.DEFAULTS;
        List<AlertsConfig.Webhook> webhooks = new ArrayList<>();
        for (ConfigTree w : t.list("webhooks")) {
            w.rejectUnknown(Set.of("url", "headers"));
            URI url = webhookUrl(w);
            if (url != null) {
                webhooks.add(new AlertsConfig.Webhook(url, w.stringMap("headers")));
            }
        }
        double multiple = multiple(t, d.spikeMultiple());
        return new AlertsConfig(webhooks, multiple,
                Duration.ofHours(t.number("spike_trailing_hours", d.spikeTrailing().toHours(), 1, 24 * 90)),
                Duration.ofSeconds(t.number("spike_check_seconds", d.spikeCheckEvery().toSeconds(), 1, 86_400)),
                Duration.ofHours(t.number("forecast_after_hours", d.forecastAfter().toHours(), 0, 24 * 31)),
                (int) t.number("webhook_attempts", d.webhookAttempts(), 1, 20),
                Duration.ofMillis(t.number("webhook_backoff_ms", d.webhookBackoff().toMillis(), 1, 3_600_000)),
                Duration.ofMillis(t.number("webhook_timeout_ms", d.webhookTimeout().toMillis(), 1, 600_000)));
    }

    private static long limit(ConfigTree t, String name) {
        return t.number(name, RateLimits.NONE_SET, 1, MAX_LIMIT);
    }

    private static double multiple(ConfigTree t, double fallback) {
        String text = t.string("spike_multiple", null);
        if (text == null) {
            return fallback;
        }
        try {
            double v = Double.parseDouble(text.trim());
            if (!(v > 1.0) || v > 1_000 || Double.isNaN(v)) {
                t.problem("spike_multiple", text + " (expected: a number above 1, such as 3)");
                return fallback;
            }
            return v;
        } catch (NumberFormatException e) {
            t.problem("spike_multiple", "'" + text + "' (expected: a number above 1, such as 3)");
            return fallback;
        }
    }

    private static URI webhookUrl(ConfigTree w) {
        String text = w.string("url", null);
        if (text == null) {
            w.problem("url", "missing (expected: the webhook's http:// or https:// URL)");
            return null;
        }
        try {
            URI uri = new URI(text);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                w.problem("url", "not an http:// or https:// URL with a host");
                return null;
            }
            return uri;
        } catch (URISyntaxException e) {
            w.problem("url", "not a URL (" + e.getReason() + ")");
            return null;
        }
    }
}
