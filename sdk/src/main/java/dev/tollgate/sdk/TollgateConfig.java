package dev.tollgate.sdk;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * Where and how tracked calls are reported. Built in code ({@link #builder()}) or from the environment
 * ({@link #fromEnv()}): {@code TOLLGATE_API_URL} (the gateway's base URL, {@code http://localhost:4000}),
 * {@code TOLLGATE_API_KEY} (a key with scope {@code infer}), {@code TOLLGATE_DEFAULT_AGENT},
 * {@code TOLLGATE_DEFAULT_FEATURE}. Without an API URL tracking is off ({@code enabled} false): calls
 * go to the provider as before and nothing is reported.
 *
 * @param queueCapacity    events held in memory while Tollgate is slow or down; more are dropped and counted
 * @param batchSize        events per request to {@code /api/log} (1 to 1000)
 * @param flushInterval    longest time an event waits in the queue before it is sent
 * @param requestTimeout   how long one request to Tollgate may take before it is retried
 * @param initialBackoff   first wait after a failed request; doubled per failure up to {@code maxBackoff}
 * @param shutdownTimeout  how long {@code close()} (and the JVM shutdown hook) keeps trying to deliver what is queued
 */
public record TollgateConfig(boolean enabled, URI apiUrl, String apiKey, CallTags defaults, int queueCapacity, int batchSize,
                             Duration flushInterval, Duration connectTimeout, Duration requestTimeout, Duration initialBackoff,
                             Duration maxBackoff, Duration shutdownTimeout, boolean shutdownHook) {

    public static final String API_URL = "TOLLGATE_API_URL";
    public static final String API_KEY = "TOLLGATE_API_KEY";
    public static final String DEFAULT_AGENT = "TOLLGATE_DEFAULT_AGENT";
    public static final String DEFAULT_FEATURE = "TOLLGATE_DEFAULT_FEATURE";

    public TollgateConfig {
        if (enabled) {
            if (apiUrl == null || !apiUrl.isAbsolute() || !("http".equals(apiUrl.getScheme()) || "https".equals(apiUrl.getScheme()))) {
                throw new IllegalArgumentException("apiUrl: " + apiUrl + " (expected: the gateway's base URL, such as http://localhost:4000)");
            }
        }
        defaults = defaults == null ? CallTags.DEFAULTS : defaults;
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queueCapacity: " + queueCapacity + " (expected: > 0)");
        }
        if (batchSize < 1 || batchSize > 1000) {
            throw new IllegalArgumentException("batchSize: " + batchSize + " (expected: 1 to 1000, the most /api/log takes at once)");
        }
        positive("flushInterval", flushInterval);
        positive("connectTimeout", connectTimeout);
        positive("requestTimeout", requestTimeout);
        positive("initialBackoff", initialBackoff);
        positive("maxBackoff", maxBackoff);
        positive("shutdownTimeout", shutdownTimeout);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** From the process environment; see the class comment for the variables. */
    public static TollgateConfig fromEnv() {
        return fromEnv(System.getenv());
    }

    public static TollgateConfig fromEnv(Map<String, String> env) {
        Builder b = builder();
        String url = blankToNull(env.get(API_URL));
        if (url == null) {
            b.enabled = false;
        } else {
            b.apiUrl(url);
        }
        b.apiKey(blankToNull(env.get(API_KEY)));
        String agent = blankToNull(env.get(DEFAULT_AGENT));
        String feature = blankToNull(env.get(DEFAULT_FEATURE));
        try {
            b.defaults(CallTags.of(agent, feature));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(DEFAULT_AGENT + " / " + DEFAULT_FEATURE + ": " + e.getMessage(), e);
        }
        return b.build();
    }

    /** The URL events are posted to. */
    public URI logUrl() {
        String base = apiUrl.toString();
        return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/api/log");
    }

    /** Never shows the API key. */
    @Override
    public String toString() {
        return "TollgateConfig[enabled=" + enabled + ", apiUrl=" + apiUrl + ", apiKey=" + (apiKey == null ? "none" : "(set)")
                + ", defaults=" + defaults + ", queueCapacity=" + queueCapacity + ", batchSize=" + batchSize
                + ", flushInterval=" + flushInterval + ", requestTimeout=" + requestTimeout + ", shutdownTimeout=" + shutdownTimeout + "]";
    }

    private static void positive(String field, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(field + ": " + d + " (expected: a positive duration)");
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    /** Defaults: queue 10,000 events, batches of 100, sent at least every second, 10 s per request, backoff 250 ms to 30 s, 5 s to drain on shutdown. */
    public static final class Builder {
        private boolean enabled = true;
        private URI apiUrl;
        private String apiKey;
        private CallTags defaults = CallTags.DEFAULTS;
        private int queueCapacity = 10_000;
        private int batchSize = 100;
        private Duration flushInterval = Duration.ofSeconds(1);
        private Duration connectTimeout = Duration.ofSeconds(2);
        private Duration requestTimeout = Duration.ofSeconds(10);
        private Duration initialBackoff = Duration.ofMillis(250);
        private Duration maxBackoff = Duration.ofSeconds(30);
        private Duration shutdownTimeout = Duration.ofSeconds(5);
        private boolean shutdownHook = true;

        private Builder() {
        }

        public Builder apiUrl(String value) {
            try {
                return apiUrl(URI.create(value));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("apiUrl: '" + value + "' is not a URL (expected: such as http://localhost:4000)", e);
            }
        }

        public Builder apiUrl(URI value) {
            this.apiUrl = value;
            return this;
        }

        public Builder apiKey(String value) {
            this.apiKey = value;
            return this;
        }

        /** Agent and feature of calls that name none themselves. */
        public Builder defaults(CallTags value) {
            this.defaults = value;
            return this;
        }

        public Builder queueCapacity(int value) {
            this.queueCapacity = value;
            return this;
        }

        public Builder batchSize(int value) {
            this.batchSize = value;
            return this;
        }

        public Builder flushInterval(Duration value) {
            this.flushInterval = value;
            return this;
        }

        public Builder connectTimeout(Duration value) {
            this.connectTimeout = value;
            return this;
        }

        public Builder requestTimeout(Duration value) {
            this.requestTimeout = value;
            return this;
        }

        public Builder backoff(Duration initial, Duration max) {
            this.initialBackoff = initial;
            this.maxBackoff = max;
            return this;
        }

        public Builder shutdownTimeout(Duration value) {
            this.shutdownTimeout = value;
            return this;
        }

        /** Whether a JVM shutdown hook drains the queue (default true). */
        public Builder shutdownHook(boolean value) {
            this.shutdownHook = value;
            return this;
        }

        public TollgateConfig build() {
            return new TollgateConfig(enabled, apiUrl, apiKey, defaults, queueCapacity, batchSize, flushInterval, connectTimeout,
                    requestTimeout, initialBackoff, maxBackoff, shutdownTimeout, shutdownHook);
        }
    }
}
