package dev.tollgate.alerts;

import dev.tollgate.config.AlertsConfig;
import dev.tollgate.model.Alert;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Delivers alerts to the configured webhooks, entirely off the request path: each delivery is an
 * asynchronous POST with a time limit; a failure (an error status, a refused connection, a time-out) is
 * retried after {@code webhook_backoff_ms}, doubling each time, up to {@code webhook_attempts} tries.
 * At most {@link #MAX_IN_FLIGHT} deliveries wait at a time; beyond that new ones are dropped with a
 * warning (the alert itself is stored and listed either way). Logs name a webhook by scheme and host
 * only: a Slack webhook's path is its secret, and header values are never logged.
 */
public final class WebhookNotifier implements AutoCloseable {

    static final int MAX_IN_FLIGHT = 256;
    private static final Logger LOG = LoggerFactory.getLogger(WebhookNotifier.class);

    private final List<AlertsConfig.Webhook> webhooks;
    private final AlertsConfig config;
    private final JsonMapper json;
    private final HttpClient http;
    private final ScheduledExecutorService retries;
    private final AtomicInteger inFlight = new AtomicInteger();

    public WebhookNotifier(AlertsConfig config, JsonMapper json) {
        this.webhooks = config.webhooks();
        this.config = config;
        this.json = json;
        // No webhook, no client: the JDK's client costs a selector thread and ~70 ms of start-up.
        this.http = webhooks.isEmpty() ? null : HttpClient.newBuilder().connectTimeout(config.webhookTimeout()).build();
        this.retries = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("tollgate-webhook-retry").factory());
    }

    /** Starts delivering {@code alert} to every webhook; returns at once. */
    public void deliver(Alert alert) {
        if (webhooks.isEmpty()) {
            return;
        }
        byte[] body = SlackMessage.body(json, alert);
        for (AlertsConfig.Webhook hook : webhooks) {
            if (inFlight.incrementAndGet() > MAX_IN_FLIGHT) {
                inFlight.decrementAndGet();
                LOG.warn("alert {} not delivered to {}: {} deliveries are waiting already", alert.id(), hook.redacted(), MAX_IN_FLIGHT);
                continue;
            }
            attempt(hook, alert, body, 1);
        }
    }

    private void attempt(AlertsConfig.Webhook hook, Alert alert, byte[] body, int attempt) {
        HttpRequest.Builder request = HttpRequest.newBuilder(hook.url()).timeout(config.webhookTimeout())
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body));
        hook.headers().forEach(request::header);
        http.sendAsync(request.build(), HttpResponse.BodyHandlers.discarding())
                .orTimeout(config.webhookTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((response, failure) -> {
                    if (failure == null && response.statusCode() / 100 == 2) {
                        inFlight.decrementAndGet();
                        return;
                    }
                    String what = failure == null ? "answered " + response.statusCode() : "failed (" + failure.getClass().getSimpleName() + ")";
                    retryOrGiveUp(hook, alert, body, attempt, what);
                });
    }

    private void retryOrGiveUp(AlertsConfig.Webhook hook, Alert alert, byte[] body, int attempt, String what) {
        if (attempt >= config.webhookAttempts() || retries.isShutdown()) {
            inFlight.decrementAndGet();
            LOG.warn("alert {}: webhook {} {} on attempt {} of {}; giving up", alert.id(), hook.redacted(), what, attempt,
                    config.webhookAttempts());
            return;
        }
        Duration wait = backoff(config.webhookBackoff(), attempt);
        LOG.info("alert {}: webhook {} {} on attempt {} of {}; retrying in {} ms", alert.id(), hook.redacted(), what, attempt,
                config.webhookAttempts(), wait.toMillis());
        try {
            retries.schedule(() -> attempt(hook, alert, body, attempt + 1), wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            inFlight.decrementAndGet();
        }
    }

    /** The wait before retry number {@code attempt} (1 = after the first try): base × 2^(attempt-1). */
    static Duration backoff(Duration base, int attempt) {
        return base.multipliedBy(1L << Math.min(attempt - 1, 20));
    }

    @Override
    public void close() {
        retries.shutdownNow();
        if (http != null) {
            http.shutdownNow();
        }
    }
}
