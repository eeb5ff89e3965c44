package dev.tollgate.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Alerts ({@code alerts:} in the YAML): where they are delivered and when spikes and forecasts fire.
 *
 * @param webhooks          where each new alert is POSTed (Slack-compatible JSON); also {@code TOLLGATE_ALERT_WEBHOOK_URL}
 * @param spikeMultiple     an hour's spend above this multiple of the trailing hourly average is a spike
 * @param spikeTrailing     the window the trailing hourly average is taken over
 * @param spikeCheckEvery   how often spikes are looked for
 * @param forecastAfter     how much of a month must have passed before a forecast alert may fire (early
 *                          projections are noise)
 * @param webhookAttempts   deliveries tried per alert and webhook, the first included
 * @param webhookBackoff    the wait before the first retry; doubled for each further one
 * @param webhookTimeout    how long one delivery may take
 */
public record AlertsConfig(
        List<Webhook> webhooks,
        double spikeMultiple,
        Duration spikeTrailing,
        Duration spikeCheckEvery,
        Duration forecastAfter,
        int webhookAttempts,
        Duration webhookBackoff,
        Duration webhookTimeout) {

    public static final AlertsConfig DEFAULTS = new AlertsConfig(List.of(), 3.0, Duration.ofHours(24), Duration.ofMinutes(5),
            Duration.ofHours(24), 5, Duration.ofSeconds(1), Duration.ofSeconds(10));

    public AlertsConfig {
        webhooks = List.copyOf(webhooks);
    }

    /** One webhook. Its URL and header values may hold credentials: {@link #toString} shows neither. */
    public record Webhook(URI url, Map<String, String> headers) {

        public Webhook {
            headers = Map.copyOf(headers);
        }

        /** Where it goes, without path or query (a Slack webhook's path is its secret). */
        public String redacted() {
            return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort()) + "/…";
        }

        @Override
        public String toString() {
            return "Webhook[" + redacted() + ", headers=" + headers.keySet() + "]";
        }
    }
}
