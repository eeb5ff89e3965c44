package dev.tollgate.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * A scripted answer of {@link MockUpstream}: a JSON body or a stream of server-sent events, with
 * delays and faults. Immutable; the {@code with*} methods return changed copies.
 *
 * @param events       SSE events, one per entry ({@code null} for a plain body): a bare payload is sent as
 *                     {@code data: payload}; an entry starting with {@code event:} or {@code data:} is sent as written
 * @param headersDelay wait before the status line and headers are sent
 * @param eventGap     wait between two events
 * @param gate         when set, the stream waits on this latch after the first event (tests release it)
 * @param fault        what goes wrong after {@code faultAfter} events
 */
public record MockResponse(
        int status,
        Map<String, String> headers,
        byte[] body,
        List<String> events,
        Duration headersDelay,
        Duration eventGap,
        CountDownLatch gate,
        Fault fault,
        int faultAfter) {

    /** Ways a response can go wrong mid-way. */
    public enum Fault {
        NONE,
        /** Stop sending and keep the connection open (until the mock closes). */
        STALL,
        /** Drop the connection without ending the chunked body: the client sees a cut. */
        RESET,
        /** End the body cleanly, but early (no {@code [DONE]}). */
        TRUNCATE
    }

    public MockResponse {
        headers = Map.copyOf(headers);
        events = events == null ? null : List.copyOf(events);
    }

    public static MockResponse json(int status, String body) {
        return new MockResponse(status, Map.of("content-type", "application/json"), body.getBytes(StandardCharsets.UTF_8),
                null, Duration.ZERO, Duration.ZERO, null, Fault.NONE, 0);
    }

    public static MockResponse text(int status, String contentType, String body) {
        return new MockResponse(status, Map.of("content-type", contentType), body.getBytes(StandardCharsets.UTF_8),
                null, Duration.ZERO, Duration.ZERO, null, Fault.NONE, 0);
    }

    /** A 200 event stream; add {@code "[DONE]"} as the last event where the protocol has one. */
    public static MockResponse sse(List<String> events) {
        return new MockResponse(200, Map.of("content-type", "text/event-stream"), null, events,
                Duration.ZERO, Duration.ZERO, null, Fault.NONE, 0);
    }

    public MockResponse withHeader(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put(name, value);
        return new MockResponse(status, copy, body, events, headersDelay, eventGap, gate, fault, faultAfter);
    }

    public MockResponse withHeadersDelay(Duration delay) {
        return new MockResponse(status, headers, body, events, delay, eventGap, gate, fault, faultAfter);
    }

    public MockResponse withEventGap(Duration gap) {
        return new MockResponse(status, headers, body, events, headersDelay, gap, gate, fault, faultAfter);
    }

    /** After the first event, wait until {@code latch} is released before sending the rest. */
    public MockResponse withGateAfterFirstEvent(CountDownLatch latch) {
        return new MockResponse(status, headers, body, events, headersDelay, eventGap, latch, fault, faultAfter);
    }

    /** Goes wrong after {@code afterEvents} events (or, for a plain body, after half of it). */
    public MockResponse withFault(Fault what, int afterEvents) {
        return new MockResponse(status, headers, body, events, headersDelay, eventGap, gate, what, afterEvents);
    }
}
