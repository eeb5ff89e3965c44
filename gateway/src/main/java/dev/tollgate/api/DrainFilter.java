package dev.tollgate.api;

import dev.tollgate.api.anthropic.AnthropicErrors;
import dev.tollgate.api.openai.OpenAiErrors;
import dev.tollgate.pipeline.GatewayException;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Counts the requests in progress, so shutdown can wait for them. Once {@link #drain} began, a new request
 * is refused with 503 (in its route's dialect, {@code Retry-After: 1}, the connection closed): the load
 * balancer sends it elsewhere while the calls already running (streams included) finish.
 */
final class DrainFilter implements Filter {

    private final OpenAiErrors errors;
    private final AnthropicErrors anthropicErrors;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition idle = lock.newCondition();
    private int inFlight;
    private volatile boolean draining;

    DrainFilter(OpenAiErrors errors, AnthropicErrors anthropicErrors) {
        this.errors = errors;
        this.anthropicErrors = anthropicErrors;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        if (!enter()) {
            GatewayException e = new GatewayException(503, "service_unavailable", "shutting_down", null,
                    "the gateway is shutting down; retry on another instance", Map.of());
            boolean anthropic = req.path().path().startsWith("/v1/messages");
            res.status(Status.SERVICE_UNAVAILABLE_503);
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            res.header(HeaderNames.RETRY_AFTER, "1");
            res.header(HeaderValues.CONNECTION_CLOSE);
            res.send(anthropic ? anthropicErrors.body(e) : errors.body(e));
            return;
        }
        try {
            chain.proceed();
        } finally {
            leave();
        }
    }

    private boolean enter() {
        lock.lock();
        try {
            if (draining) {
                return false;
            }
            inFlight++;
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void leave() {
        lock.lock();
        try {
            if (--inFlight == 0) {
                idle.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Refuses new requests and waits up to {@code grace} for the running ones; the number still running after it. */
    int drain(Duration grace) {
        long left = grace.toNanos();
        lock.lock();
        try {
            draining = true;
            while (inFlight > 0 && left > 0) {
                left = idle.awaitNanos(left);
            }
            return inFlight;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return inFlight;
        } finally {
            lock.unlock();
        }
    }
}
