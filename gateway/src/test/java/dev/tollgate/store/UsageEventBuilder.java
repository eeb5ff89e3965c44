package dev.tollgate.store;

import dev.tollgate.model.Usage;
import dev.tollgate.model.UsageEvent;
import java.time.Instant;

/** A usage event with plain defaults, changed field by field. */
final class UsageEventBuilder {
    private final String id;
    private final Instant time;
    private String org = "acme";
    private String key = "key-1";
    private String agent = "imperium";
    private String feature = "chat";
    private String provider = "openai";
    private String model = "gpt-4o-mini";
    private long input = 100;
    private long output = 20;
    private long cached;
    private long reasoning;
    private boolean estimated;
    private double cost = 0.25;
    private boolean priceKnown = true;
    private long latency = 10;
    private int status = 200;
    private String errorCode;
    private int attempts = 1;
    private String cacheTier = "miss";
    private double saved;
    private Double routingFree;

    UsageEventBuilder(String id, Instant time) {
        this.id = id;
        this.time = time;
    }

    UsageEventBuilder org(String v) {
        org = v;
        return this;
    }

    UsageEventBuilder key(String v) {
        key = v;
        return this;
    }

    UsageEventBuilder agent(String v) {
        agent = v;
        return this;
    }

    UsageEventBuilder feature(String v) {
        feature = v;
        return this;
    }

    UsageEventBuilder provider(String v) {
        provider = v;
        return this;
    }

    UsageEventBuilder model(String v) {
        model = v;
        return this;
    }

    UsageEventBuilder input(long v) {
        input = v;
        return this;
    }

    UsageEventBuilder output(long v) {
        output = v;
        return this;
    }

    UsageEventBuilder cached(long v) {
        cached = v;
        return this;
    }

    UsageEventBuilder reasoning(long v) {
        reasoning = v;
        return this;
    }

    UsageEventBuilder estimated(boolean v) {
        estimated = v;
        return this;
    }

    UsageEventBuilder cost(double v) {
        cost = v;
        return this;
    }

    UsageEventBuilder priceKnown(boolean v) {
        priceKnown = v;
        return this;
    }

    UsageEventBuilder latency(long v) {
        latency = v;
        return this;
    }

    UsageEventBuilder status(int v, String code) {
        status = v;
        errorCode = code;
        return this;
    }

    /** A call Tollgate refused before any provider was reached: no provider, no attempt, no tokens, no price. */
    UsageEventBuilder refused(int v, String code) {
        status = v;
        errorCode = code;
        provider = null;
        attempts = 0;
        input = 0;
        output = 0;
        cost = 0;
        priceKnown = false;
        return this;
    }

    /** A call answered from the cache: no upstream tokens, no cost, {@code avoided} saved. */
    UsageEventBuilder cacheHit(String tier, double avoided) {
        cacheTier = tier;
        saved = avoided;
        attempts = 0;
        input = 0;
        output = 0;
        cost = 0;
        return this;
    }

    /** Routed by the autopilot: the same usage would have cost {@code usd} on the strongest candidate. */
    UsageEventBuilder routingFree(double usd) {
        routingFree = usd;
        return this;
    }

    UsageEvent build() {
        return new UsageEvent(id, time, "req-" + id, org, key, agent, feature, "chat", "proxy", provider, model,
                new Usage(input, output, cached, 0, reasoning, estimated), cost, priceKnown, saved, latency, -1, status, errorCode,
                false, attempts, cacheTier, routingFree == null ? "explicit" : "autopilot", routingFree == null ? cost : routingFree);
    }
}
