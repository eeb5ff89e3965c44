package dev.tollgate.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.sdk.openai.TrackedOpenAi;
import dev.tollgate.testing.GatewayExtension;
import dev.tollgate.testing.MockUpstream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The SDK and a real gateway under faults: many threads tracking at once, Tollgate slow (a retried
 * batch), refusing (503s) and down (nothing listening, then back). In every case the application's
 * calls succeed and the ledger ends up with every event exactly once.
 */
class TrackedReportingFaultsTest {

    private static final String KEY = "sk-sdk-faults";
    private static final Pattern EVENT_ID = Pattern.compile("\"event_id\":\"([^\"]+)\"");

    @RegisterExtension
    @Order(1)
    static final MockUpstream openaiUpstream = new MockUpstream();

    @RegisterExtension
    @Order(2)
    static final GatewayExtension gateway = GatewayExtension.yaml("master_key: " + KEY + "\n");

    static OpenAIClient openaiClient;

    @BeforeAll
    static void client() {
        openaiClient = OpenAIOkHttpClient.builder().baseUrl(openaiUpstream.baseUrl().toString()).apiKey("sk-upstream").maxRetries(0).build();
    }

    @AfterAll
    static void closeClient() {
        openaiClient.close();
    }

    private static TollgateConfig.Builder config(URI url) {
        return TollgateConfig.builder().apiUrl(url).apiKey(KEY).flushInterval(Duration.ofMillis(20)).shutdownHook(false)
                .backoff(Duration.ofMillis(20), Duration.ofMillis(200));
    }

    private static List<UsageEvent> stored(String agent) {
        return gateway.events().stream().filter(e -> agent.equals(e.agent())).toList();
    }

    private static List<String> ids(String body) {
        List<String> out = new ArrayList<>();
        Matcher m = EVENT_ID.matcher(body);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String ask(TrackedOpenAi openai) {
        return openai.chat().completions().create(ChatCompletionCreateParams.builder().model("gpt-4o-mini").addUserMessage("Hi").build())
                .choices().get(0).message().content().orElse("");
    }

    @Test
    void manyThreadsTrackingAtOnce_everyEventIsStoredExactlyOnce() throws Exception {
        int threads = 16;
        int genericPerThread = 200;
        int openaiPerThread = 5;
        try (TrackedCompletion tollgate = TrackedCompletion.create(config(gateway.baseUrl()).batchSize(100).build())) {
            TrackedOpenAi openai = TrackedOpenAi.wrap(openaiClient, tollgate).with(CallTags.agent("faults-concurrent"));
            CyclicBarrier start = new CyclicBarrier(threads);
            List<Thread> workers = new ArrayList<>();
            List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                Thread w = new Thread(() -> {
                    try {
                        start.await();
                        for (int i = 0; i < genericPerThread; i++) {
                            long input = thread * 1_000L + i;
                            tollgate.track(CallSpec.of("mistral", "mistral-small").tagged(CallTags.agent("faults-concurrent")), () -> input,
                                    n -> TokenUsage.of(n, 1));
                            if (i % (genericPerThread / openaiPerThread) == 0) {
                                ask(openai);
                            }
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                });
                w.start();
                workers.add(w);
            }
            for (Thread w : workers) {
                w.join();
            }

            assertThat(failures).isEmpty();
            assertThat(tollgate.flush(Duration.ofSeconds(30))).isTrue();
            assertThat(tollgate.stats()).isEqualTo(new ReporterStats(3_280, 3_280, 0, 0, 0, 0, 0));
        }
        List<UsageEvent> events = stored("faults-concurrent");
        long generic = threads * genericPerThread;
        long expectedInput = 0;
        for (int t = 0; t < threads; t++) {
            for (int i = 0; i < genericPerThread; i++) {
                expectedInput += t * 1_000L + i;
            }
        }
        assertThat(events).hasSize(3_280);
        assertThat(events.stream().map(UsageEvent::id).distinct()).hasSize(3_280);
        assertThat(events.stream().filter(e -> e.provider().equals("mistral")).count()).isEqualTo(generic);
        assertThat(events.stream().filter(e -> e.provider().equals("mistral")).mapToLong(e -> e.usage().inputTokens()).sum())
                .isEqualTo(expectedInput);
        // 16 threads × 5 OpenAI calls, each 19 prompt tokens (the mock's usage)
        assertThat(events.stream().filter(e -> e.provider().equals("openai")).mapToLong(e -> e.usage().inputTokens()).sum())
                .isEqualTo(threads * openaiPerThread * 19L);
    }

    @Test
    void tollgateSlow_theTimedOutBatchIsSentAgain_andTheLedgerStoresItOnce() throws Exception {
        try (TollgateProxy proxy = new TollgateProxy(0, gateway.baseUrl())) {
            CountDownLatch release = new CountDownLatch(1);
            proxy.enqueue(TollgateProxy.Step.holdAnswer(release));
            try (TrackedCompletion tollgate = TrackedCompletion.create(config(proxy.baseUrl()).requestTimeout(Duration.ofMillis(500)).build())) {
                TrackedOpenAi openai = TrackedOpenAi.wrap(openaiClient, tollgate).with(CallTags.agent("faults-slow"));
                List<String> answers = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    answers.add(ask(openai));
                }

                assertThat(tollgate.flush(Duration.ofSeconds(20))).isTrue();
                release.countDown();

                assertThat(answers).hasSize(3).allSatisfy(a -> assertThat(a).isNotEmpty());
                assertThat(proxy.bodies()).hasSizeGreaterThanOrEqualTo(2);
                assertThat(ids(proxy.bodies().get(1))).isEqualTo(ids(proxy.bodies().get(0)));
                assertThat(tollgate.stats().failedRequests()).isGreaterThanOrEqualTo(1);
            }
        }
        assertThat(stored("faults-slow")).hasSize(3).extracting(UsageEvent::id).doesNotHaveDuplicates();
    }

    @Test
    void tollgateRefusing_eventsAreRetried_andStoredOnceItAccepts() throws Exception {
        try (TollgateProxy proxy = new TollgateProxy(0, gateway.baseUrl())) {
            proxy.enqueue(TollgateProxy.Step.refusal());
            proxy.enqueue(TollgateProxy.Step.refusal());
            try (TrackedCompletion tollgate = TrackedCompletion.create(config(proxy.baseUrl()).flushInterval(Duration.ofHours(1)).build())) {
                TrackedOpenAi openai = TrackedOpenAi.wrap(openaiClient, tollgate).with(CallTags.agent("faults-refusing"));
                for (int i = 0; i < 4; i++) {
                    assertThat(ask(openai)).isNotEmpty();
                }

                assertThat(tollgate.flush(Duration.ofSeconds(20))).isTrue();

                assertThat(proxy.bodies()).hasSize(3).allSatisfy(b -> assertThat(ids(b)).isEqualTo(ids(proxy.bodies().get(0))));
                assertThat(tollgate.stats()).isEqualTo(new ReporterStats(4, 4, 0, 0, 0, 2, 0));
            }
        }
        assertThat(stored("faults-refusing")).hasSize(4);
    }

    @Test
    void tollgateDown_callsSucceed_andTheEventsArriveWhenItIsBack() throws Exception {
        int port = freePort();
        try (TrackedCompletion tollgate = TrackedCompletion.create(config(URI.create("http://127.0.0.1:" + port)).build())) {
            TrackedOpenAi openai = TrackedOpenAi.wrap(openaiClient, tollgate).with(CallTags.agent("faults-down"));
            for (int i = 0; i < 5; i++) {
                assertThat(ask(openai)).isNotEmpty();
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> tollgate.stats().failedRequests() >= 1);
            assertThat(stored("faults-down")).isEmpty();

            try (TollgateProxy back = new TollgateProxy(port, gateway.baseUrl())) {
                assertThat(tollgate.flush(Duration.ofSeconds(20))).isTrue();
                assertThat(back.bodies()).isNotEmpty();
            }
            assertThat(tollgate.stats().delivered()).isEqualTo(5);
        }
        assertThat(stored("faults-down")).hasSize(5).extracting(UsageEvent::id).doesNotHaveDuplicates();
    }
}
