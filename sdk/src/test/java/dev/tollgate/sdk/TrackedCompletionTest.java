package dev.tollgate.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The generic form and {@link TrackedCall}: what a tracked call records, that it returns and throws
 * exactly what the call did, and that it never waits for the reporter.
 */
class TrackedCompletionTest {

    private static final TollgateConfig CONFIG = TollgateConfig.builder().apiUrl("http://127.0.0.1:9").shutdownHook(false)
            .defaults(CallTags.of("default-agent", "default-feature")).build();

    private final RecordingReporter reporter = new RecordingReporter();
    private final TrackedCompletion tollgate = TrackedCompletion.create(CONFIG, reporter);

    record Answer(String text, int in, int out) {
    }

    @Test
    void aTrackedCall_returnsTheResult_andRecordsItsUsageAndTheDefaultTags() {
        Answer answer = tollgate.track(CallSpec.of("Mistral", "mistral-large-latest"), () -> new Answer("hi", 812, 64),
                a -> TokenUsage.of(a.in(), a.out()).withCached(512));

        assertThat(answer).isEqualTo(new Answer("hi", 812, 64));
        UsageRecord e = reporter.only();
        assertThat(List.of(e.provider(), e.model(), e.agent(), e.feature(), e.endpoint()))
                .containsExactly("mistral", "mistral-large-latest", "default-agent", "default-feature", "chat");
        assertThat(e.usage()).isEqualTo(new TokenUsage(812, 64, 512, 0, 0, false));
        assertThat(e.status()).isEqualTo(200);
        assertThat(e.errorCode()).isNull();
        assertThat(e.stream()).isFalse();
        assertThat(e.ttftMs()).isEqualTo(-1);
        assertThat(e.latencyMs()).isGreaterThanOrEqualTo(0);
        assertThat(e.eventId()).matches("sdk-[0-9a-f]{16}-[0-9a-z]+");
    }

    @Test
    void perCallTags_winOverTheDefaults_fieldByField() {
        tollgate.track(CallSpec.of("mistral", "m").tagged(CallTags.feature("summaries").withRequestId("req-42")), () -> "x",
                x -> TokenUsage.of(1, 1));

        UsageRecord e = reporter.only();
        assertThat(List.of(e.agent(), e.feature(), e.requestId())).containsExactly("default-agent", "summaries", "req-42");
    }

    @Test
    void aFailedCall_rethrowsTheSameException_andRecordsItsStatus() {
        IOException refused = new IOException("upstream closed", new ConnectException("Connection refused"));

        assertThatThrownBy(() -> tollgate.track(CallSpec.of("mistral", "m"), () -> {
            throw refused;
        }, x -> TokenUsage.of(1, 1))).isSameAs(refused);
        assertThatThrownBy(() -> tollgate.track(CallSpec.of("mistral", "m"), () -> {
            throw new HttpTimeoutException("request timed out");
        }, x -> TokenUsage.of(1, 1))).isInstanceOf(HttpTimeoutException.class);
        assertThatThrownBy(() -> tollgate.track(CallSpec.of("mistral", "m"), () -> {
            throw new IllegalStateException("bug");
        }, x -> TokenUsage.of(1, 1))).isInstanceOf(IllegalStateException.class);

        assertThat(reporter.records).extracting(UsageRecord::status, UsageRecord::errorCode)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(502, "connection_failed"),
                        org.assertj.core.groups.Tuple.tuple(504, "timeout"),
                        org.assertj.core.groups.Tuple.tuple(500, "IllegalStateException"));
        assertThat(reporter.records).allSatisfy(e -> assertThat(e.usage()).isEqualTo(TokenUsage.NONE));
    }

    @Test
    void aUsageReaderThatThrows_doesNotBreakTheCall_andTheCallIsRecordedWithoutTokens() {
        try (LogCapture log = new LogCapture()) {
            String result = tollgate.track(CallSpec.of("mistral", "m"), () -> "answer", x -> {
                throw new IllegalStateException("no usage field");
            });

            assertThat(result).isEqualTo("answer");
            assertThat(reporter.only().usage()).isEqualTo(TokenUsage.NONE);
            assertThat(log.count("could not read the usage of a tracked call")).isLessThanOrEqualTo(1);
        }
    }

    @Test
    void aCallEnds_exactlyOnce_theFirstEndWins() {
        TrackedCall call = tollgate.start(CallSpec.of("mistral", "m").streaming());
        call.firstToken();
        call.answeredBy("m-2026-01");

        call.succeeded(TokenUsage.of(10, 5));
        call.failed(502, "late", TokenUsage.NONE);
        call.succeeded(TokenUsage.of(99, 99));

        UsageRecord e = reporter.only();
        assertThat(e.usage()).isEqualTo(TokenUsage.of(10, 5));
        assertThat(e.model()).isEqualTo("m-2026-01");
        assertThat(e.stream()).isTrue();
        assertThat(e.ttftMs()).isBetween(0L, e.latencyMs());
        assertThat(e.eventId()).isEqualTo(call.eventId());
    }

    @Test
    void eventIds_areUniqueAcrossThreadsAndInstances() throws InterruptedException {
        TrackedCompletion other = TrackedCompletion.create(CONFIG, reporter);
        Set<String> ids = ConcurrentHashMap.newKeySet();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            TrackedCompletion owner = t % 2 == 0 ? tollgate : other;
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 5_000; i++) {
                    ids.add(owner.start(CallSpec.of("p", "m")).eventId());
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread t : threads) {
            t.join();
        }

        assertThat(ids).hasSize(40_000).allSatisfy(id -> assertThat(CallTags.ID.matcher(id).matches()).isTrue());
    }

    @Test
    void aTrackedCallReturns_beforeTheReportersRequestCompletes() throws Exception {
        try (FakeTollgate fake = FakeTollgate.start()) {
            CountDownLatch release = new CountDownLatch(1);
            fake.enqueue(FakeTollgate.Answer.slow(release));
            CountDownLatch arrived = fake.nextArrival();
            TollgateConfig config = TollgateConfig.builder().apiUrl(fake.baseUrl()).batchSize(1).shutdownHook(false).build();
            try (TrackedCompletion live = TrackedCompletion.create(config)) {
                live.track(CallSpec.of("mistral", "m"), () -> "first", x -> TokenUsage.of(1, 1));
                assertThat(arrived.await(10, TimeUnit.SECONDS)).isTrue();

                // Tollgate holds the first report open; the application's next calls return all the same.
                List<String> results = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    results.add(live.track(CallSpec.of("mistral", "m"), () -> "next", x -> TokenUsage.of(1, 1)));
                }

                assertThat(results).containsOnly("next").hasSize(5);
                assertThat(fake.inFlight()).as("the first report is still unanswered").isEqualTo(1);
                assertThat(release.getCount()).isEqualTo(1);
                release.countDown();
                assertThat(live.flush(Duration.ofSeconds(10))).isTrue();
                assertThat(fake.storedIds()).hasSize(6);
            }
        }
    }

    @Test
    void tollgateDownOrSilent_trackedCallsStillReturnAtOnce_andNothingIsThrown() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int closedPort;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                closedPort = s.getLocalPort();
            }
            for (URI url : List.of(URI.create("http://127.0.0.1:" + closedPort), URI.create("http://127.0.0.1:" + silent.getLocalPort()))) {
                TollgateConfig config = TollgateConfig.builder().apiUrl(url).batchSize(1).requestTimeout(Duration.ofMillis(200))
                        .shutdownTimeout(Duration.ofMillis(200)).shutdownHook(false).build();
                try (TrackedCompletion live = TrackedCompletion.create(config)) {
                    Set<String> results = new HashSet<>();
                    for (int i = 0; i < 50; i++) {
                        results.add(live.track(CallSpec.of("mistral", "m"), () -> "ok", x -> TokenUsage.of(1, 1)));
                    }
                    await().atMost(Duration.ofSeconds(10)).until(() -> live.stats().failedRequests() >= 1);

                    assertThat(results).containsExactly("ok");
                    assertThat(live.stats().queued()).isEqualTo(50);
                    assertThat(live.stats().delivered()).isZero();
                }
            }
        }
    }

    @Test
    void withoutAnApiUrl_trackingIsOff_andCallsPassThrough() {
        try (LogCapture log = new LogCapture(); TrackedCompletion off = TrackedCompletion.create(TollgateConfig.fromEnv(java.util.Map.of()))) {
            assertThat(off.track(CallSpec.of("mistral", "m"), () -> "ok", x -> TokenUsage.of(1, 1))).isEqualTo("ok");
            assertThat(off.stats()).isEqualTo(ReporterStats.ZERO);
            assertThat(log.count("TOLLGATE_API_URL is not set")).isEqualTo(1);
        }
    }
}
