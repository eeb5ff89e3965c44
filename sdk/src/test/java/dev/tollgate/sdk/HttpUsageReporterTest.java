package dev.tollgate.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The reporter against a fake {@code /api/log} on loopback: batching, retries of the same ids,
 * Tollgate down, slow and refusing, overflow, flush and shutdown. No test waits for a fixed time: each
 * waits for the state it expects (Awaitility, latches).
 */
class HttpUsageReporterTest {

    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    private <T extends AutoCloseable> T open(T resource) {
        resources.add(resource);
        return resource;
    }

    private static TollgateConfig.Builder config(URI url) {
        return TollgateConfig.builder().apiUrl(url).apiKey("tg-secret-key-123").shutdownHook(false)
                .backoff(Duration.ofMillis(20), Duration.ofMillis(100)).requestTimeout(Duration.ofSeconds(5))
                .shutdownTimeout(Duration.ofSeconds(1));
    }

    private HttpUsageReporter reporter(TollgateConfig.Builder config) {
        return open(HttpUsageReporter.start(config.build()));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void batches_holdAtMostBatchSizeEvents_andEveryEventArrivesOnce() throws IOException {
        FakeTollgate tollgate = open(FakeTollgate.start());
        HttpUsageReporter reporter = reporter(config(tollgate.baseUrl()).batchSize(10).flushInterval(Duration.ofHours(1)));
        List<UsageRecord> events = Events.many(25);

        events.forEach(reporter::report);

        assertThat(reporter.flush(Duration.ofSeconds(10))).isTrue();
        assertThat(tollgate.idsPerRequest()).allSatisfy(ids -> assertThat(ids).hasSizeBetween(1, 10));
        assertThat(tollgate.idsPerRequest().stream().flatMap(List::stream)).containsExactlyInAnyOrderElementsOf(Events.ids(events));
        assertThat(reporter.stats()).isEqualTo(new ReporterStats(25, 25, 0, 0, 0, 0, 0));
    }

    @Test
    void aPartialBatch_isSentAfterTheFlushInterval_withoutAnExplicitFlush() throws IOException {
        FakeTollgate tollgate = open(FakeTollgate.start());
        HttpUsageReporter reporter = reporter(config(tollgate.baseUrl()).batchSize(100).flushInterval(Duration.ofMillis(50)));
        List<UsageRecord> events = Events.many(3);

        events.forEach(reporter::report);

        await().atMost(Duration.ofSeconds(10)).until(() -> tollgate.storedIds().size() == 3);
        assertThat(tollgate.storedIds()).containsExactlyInAnyOrderElementsOf(Events.ids(events));
    }

    @Test
    void theBatchCarriesTheApiKeyAsBearer_andTheEventsInApiLogShape() throws IOException {
        FakeTollgate tollgate = open(FakeTollgate.start());
        HttpUsageReporter reporter = reporter(config(tollgate.baseUrl()));
        UsageRecord event = Events.one("gpt-4o-mini");

        reporter.report(event);
        reporter.flush(Duration.ofSeconds(10));

        assertThat(tollgate.authorizations()).containsExactly("Bearer tg-secret-key-123");
        assertThat(tollgate.stored(event.eventId()).toString()).isEqualTo("{\"event_id\":\"" + event.eventId() + "\",\"timestamp\":\""
                + event.timestamp() + "\",\"provider\":\"openai\",\"model\":\"gpt-4o-mini\",\"input_tokens\":12,\"output_tokens\":3,"
                + "\"latency_ms\":40,\"status\":200,\"agent\":\"reporter-test\",\"endpoint\":\"chat\"}");
    }

    @Test
    void tollgateDown_reportingNeitherThrowsNorWaits_andTheEventsArriveOnceItIsBack() throws Exception {
        int port = freePort();
        HttpUsageReporter reporter = reporter(config(URI.create("http://127.0.0.1:" + port)).flushInterval(Duration.ofMillis(20)));
        List<UsageRecord> events = Events.many(5);

        List<Boolean> accepted = events.stream().map(reporter::report).toList();
        await().atMost(Duration.ofSeconds(10)).until(() -> reporter.stats().failedRequests() >= 2);
        assertThat(accepted).containsOnly(true);
        assertThat(reporter.flush(Duration.ofMillis(50))).as("flush while Tollgate is down").isFalse();

        FakeTollgate tollgate = open(FakeTollgate.startOn(port));

        assertThat(reporter.flush(Duration.ofSeconds(10))).isTrue();
        assertThat(tollgate.storedIds()).containsExactlyInAnyOrderElementsOf(Events.ids(events));
        assertThat(Events.ids(events)).allSatisfy(id -> assertThat(tollgate.receipts(id)).isEqualTo(1));
        assertThat(reporter.stats().delivered()).isEqualTo(5);
    }

    @Test
    void tollgateRefusingWith503_theSameBatchIsRetried_untilItIsStored() throws IOException {
        FakeTollgate tollgate = open(FakeTollgate.start());
        tollgate.enqueue(FakeTollgate.Answer.status(503, "{\"error\":{\"message\":\"ledger not ready\"}}"));
        tollgate.enqueue(FakeTollgate.Answer.status(429, "{\"error\":{\"message\":\"slow down\"}}"));
        HttpUsageReporter reporter = reporter(config(tollgate.baseUrl()).flushInterval(Duration.ofHours(1)));
        List<UsageRecord> events = Events.many(4);

        events.forEach(reporter::report);

        assertThat(reporter.flush(Duration.ofSeconds(10))).isTrue();
        assertThat(tollgate.idsPerRequest()).hasSize(3).allSatisfy(ids -> assertThat(ids).isEqualTo(Events.ids(events)));
        assertThat(tollgate.storedIds()).containsExactlyInAnyOrderElementsOf(Events.ids(events));
        assertThat(reporter.stats()).isEqualTo(new ReporterStats(4, 4, 0, 0, 0, 2, 0));
    }

    @Test
    void slowTollgate_aTimedOutBatchIsSentAgain_withTheSameIds_andStoredOnce() throws IOException {
        FakeTollgate tollgate = open(FakeTollgate.start());
        CountDownLatch release = new CountDownLatch(1);
        tollgate.enqueue(FakeTollgate.Answer.slow(release));
        HttpUsageReporter reporter = reporter(config(tollgate.baseUrl()).requestTimeout(Duration.ofMillis(300)));
        List<UsageRecord> events = Events.many(3);

        events.forEach(reporter::report);

        assertThat(reporter.flush(Duration.ofSeconds(10))).isTrue();
        release.countDown();
        assertThat(tollgate.idsPerRequest()).hasSize(2).allSatisfy(ids -> assertThat(ids).isEqualTo(Events.ids(events)));
        assertThat(Events.ids(events)).allSatisfy(id -> assertThat(tollgate.receipts(id)).isEqualTo(2));
        assertThat(tollgate.storedIds()).hasSize(3);
        assertThat(reporter.stats().failedRequests()).isEqualTo(1);
    }

    @Test
    void aListenerThatNeverAnswers_isRetriedAfterTheRequestTimeout_whileReportingGoesOn() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<Socket> accepted = new ArrayList<>();
            Thread acceptor = new Thread(() -> {
                while (!silent.isClosed()) {
                    try {
                        accepted.add(silent.accept()); // read nothing, answer nothing
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            acceptor.start();
            HttpUsageReporter reporter = reporter(config(URI.create("http://127.0.0.1:" + silent.getLocalPort()))
                    .requestTimeout(Duration.ofMillis(200)).flushInterval(Duration.ofMillis(10)));

            for (UsageRecord e : Events.many(20)) {
                assertThat(reporter.report(e)).isTrue();
            }

            await().atMost(Duration.ofSeconds(10)).until(() -> reporter.stats().failedRequests() >= 2);
            assertThat(reporter.stats().pending()).isEqualTo(20);
            assertThat(reporter.stats().delivered()).isZero();
        }
    }

    @Test
    void anEventTollgateRefuses_isDropped_andTheRestOfItsBatchDelivered() throws IOException {
        FakeTollgate tollgate = open(FakeTollgate.start());
        tollgate.enqueue(FakeTollgate.Answer.status(400, "{\"error\":{\"message\":\"events[1].model: 'x' (expected: …)\","
                + "\"type\":\"invalid_request_error\",\"param\":\"events[1].model\",\"code\":null}}"));
        HttpUsageReporter reporter = reporter(config(tollgate.baseUrl()).flushInterval(Duration.ofHours(1)));
        List<UsageRecord> events = Events.many(3);

        try (LogCapture log = new LogCapture()) {
            events.forEach(reporter::report);
            assertThat(reporter.flush(Duration.ofSeconds(10))).isTrue();

            assertThat(log.count("refused usage event " + events.get(1).eventId())).isEqualTo(1);
        }
        assertThat(tollgate.idsPerRequest()).containsExactly(Events.ids(events),
                List.of(events.get(0).eventId(), events.get(2).eventId()));
        assertThat(tollgate.storedIds()).containsExactlyInAnyOrder(events.get(0).eventId(), events.get(2).eventId());
        assertThat(reporter.stats()).isEqualTo(new ReporterStats(3, 2, 0, 1, 0, 0, 0));
    }

    @Test
    void aFullQueue_dropsTheOverflow_countsEachDroppedEventOnce_andLogsOnce() throws Exception {
        FakeTollgate tollgate = open(FakeTollgate.start());
        CountDownLatch release = new CountDownLatch(1);
        tollgate.enqueue(FakeTollgate.Answer.slow(release));
        CountDownLatch firstRequest = tollgate.nextArrival();
        HttpUsageReporter reporter = reporter(config(tollgate.baseUrl()).queueCapacity(5).batchSize(5).flushInterval(Duration.ofMillis(10)));
        try (LogCapture log = new LogCapture()) {
            List<UsageRecord> inFlight = Events.many(5);
            inFlight.forEach(reporter::report);
            assertThat(firstRequest.await(10, TimeUnit.SECONDS)).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> tollgate.inFlight() == 1);

            // The worker holds the first 5 in its stalled request; the queue takes 5 more and drops the rest.
            List<UsageRecord> more = Events.many(8);
            List<Boolean> accepted = more.stream().map(reporter::report).toList();

            assertThat(accepted).containsExactly(true, true, true, true, true, false, false, false);
            assertThat(reporter.stats().dropped()).isEqualTo(3);
            assertThat(log.count("dropped")).isEqualTo(1);
            release.countDown();
            assertThat(reporter.flush(Duration.ofSeconds(10))).isTrue();
            assertThat(tollgate.storedIds()).hasSize(10);
            assertThat(reporter.stats()).isEqualTo(new ReporterStats(10, 10, 3, 0, 0, 0, 0));
            assertThat(log.count("dropped")).isEqualTo(1);
        }
    }

    @Test
    void manyThreadsOverflowingAtOnce_everyDropIsCountedExactlyOnce() throws Exception {
        FakeTollgate tollgate = open(FakeTollgate.start());
        CountDownLatch release = new CountDownLatch(1);
        tollgate.enqueue(FakeTollgate.Answer.slow(release));
        CountDownLatch firstRequest = tollgate.nextArrival();
        HttpUsageReporter reporter = reporter(config(tollgate.baseUrl()).queueCapacity(100).batchSize(1).flushInterval(Duration.ofMillis(10)));
        reporter.report(Events.one("gpt-4o-mini"));
        assertThat(firstRequest.await(10, TimeUnit.SECONDS)).isTrue();
        int threads = 8;
        int perThread = 500;
        CyclicBarrier start = new CyclicBarrier(threads);
        AtomicInteger refusedByQueue = new AtomicInteger();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            List<UsageRecord> mine = Events.many(perThread);
            Thread w = new Thread(() -> {
                try {
                    start.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                mine.forEach(e -> {
                    if (!reporter.report(e)) {
                        refusedByQueue.incrementAndGet();
                    }
                });
            });
            w.start();
            workers.add(w);
        }
        for (Thread w : workers) {
            w.join();
        }

        assertThat(refusedByQueue.get()).isEqualTo(threads * perThread - 100);
        assertThat(reporter.stats().dropped()).isEqualTo(threads * perThread - 100);
        release.countDown();
        assertThat(reporter.flush(Duration.ofSeconds(20))).isTrue();
        assertThat(tollgate.storedIds()).hasSize(101);
        assertThat(reporter.stats().delivered()).isEqualTo(101);
    }

    @Test
    void close_deliversWhatIsQueued() throws IOException {
        FakeTollgate tollgate = open(FakeTollgate.start());
        HttpUsageReporter reporter = HttpUsageReporter.start(config(tollgate.baseUrl()).flushInterval(Duration.ofHours(1)).build());
        List<UsageRecord> events = Events.many(7);
        events.forEach(reporter::report);

        reporter.close();

        assertThat(tollgate.storedIds()).containsExactlyInAnyOrderElementsOf(Events.ids(events));
        assertThat(reporter.report(Events.one("late"))).as("after close").isFalse();
        assertThat(reporter.stats()).isEqualTo(new ReporterStats(7, 7, 1, 0, 0, 0, 0));
    }

    @Test
    void close_withTollgateDown_givesUpAtTheShutdownTimeout_countingWhatIsLeft() throws IOException {
        int port = freePort();
        HttpUsageReporter reporter = HttpUsageReporter.start(config(URI.create("http://127.0.0.1:" + port))
                .shutdownTimeout(Duration.ofMillis(300)).build());
        Events.many(4).forEach(reporter::report);

        try (LogCapture log = new LogCapture()) {
            reporter.close();

            assertThat(log.count("4 usage event(s) could not be delivered")).isEqualTo(1);
        }
        assertThat(reporter.stats().abandoned()).isEqualTo(4);
        assertThat(reporter.stats().pending()).isZero();
    }

    @Test
    void anOutageIsLoggedOnceWhenItStartsAndOnceWhenItEnds_neverWithTheKey() throws IOException {
        FakeTollgate tollgate = open(FakeTollgate.start());
        for (int i = 0; i < 4; i++) {
            tollgate.enqueue(FakeTollgate.Answer.status(401, "{\"error\":{\"message\":\"invalid API key\",\"type\":\"authentication_error\"}}"));
        }
        HttpUsageReporter reporter = reporter(config(tollgate.baseUrl()));
        try (LogCapture log = new LogCapture()) {
            reporter.report(Events.one("gpt-4o-mini"));

            assertThat(reporter.flush(Duration.ofSeconds(10))).isTrue();

            assertThat(log.messages()).hasSize(2);
            assertThat(log.messages().get(0)).contains("HTTP 401", "invalid API key", "TOLLGATE_API_KEY").doesNotContain("tg-secret-key-123");
            assertThat(log.messages().get(1)).contains("answers again after 4 failed request(s)");
        }
    }

    @Test
    void backoff_doublesPerFailure_upToTheCap_withAtMostHalfTakenOffAtRandom() {
        long initial = 100;
        long max = 1_000;

        assertThat(HttpUsageReporter.backoffNanos(1, initial, max, 0.0)).isEqualTo(100);
        assertThat(HttpUsageReporter.backoffNanos(1, initial, max, 0.999)).isEqualTo(51);
        assertThat(HttpUsageReporter.backoffNanos(2, initial, max, 0.0)).isEqualTo(200);
        assertThat(HttpUsageReporter.backoffNanos(4, initial, max, 0.0)).isEqualTo(800);
        assertThat(HttpUsageReporter.backoffNanos(5, initial, max, 0.0)).isEqualTo(1_000);
        assertThat(HttpUsageReporter.backoffNanos(5, initial, max, 0.5)).isEqualTo(750);
        assertThat(HttpUsageReporter.backoffNanos(10_000, initial, max, 0.0)).isEqualTo(1_000);
    }
}
