package dev.tollgate.bench;

import com.openai.client.OpenAIClient;
import com.openai.client.OpenAIClientImpl;
import com.openai.core.ClientOptions;
import com.openai.core.RequestOptions;
import com.openai.core.http.Headers;
import com.openai.core.http.HttpClient;
import com.openai.core.http.HttpRequest;
import com.openai.core.http.HttpResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.sun.net.httpserver.HttpServer;
import dev.tollgate.model.Usage;
import dev.tollgate.sdk.CallSpec;
import dev.tollgate.sdk.CallTags;
import dev.tollgate.sdk.TokenUsage;
import dev.tollgate.sdk.TollgateConfig;
import dev.tollgate.sdk.TrackedCompletion;
import dev.tollgate.sdk.openai.TrackedOpenAi;
import dev.tollgate.testing.OpenAiFixtures;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the SDK's wrapper adds to a call on the application's thread. {@code openaiDirect} is
 * openai-java's {@code chat().completions().create} over an in-memory HTTP client that returns a
 * recorded answer (so the figure is the client's own parsing, not the network); {@code openaiTracked}
 * is the same call through {@code TrackedOpenAi}; their difference is the wrapper's overhead: the event
 * built and offered to the reporter's queue. {@code genericTracked} is the generic form around a call
 * that costs nothing. The reporter is real, posting to a loopback {@code /api/log} stub; at the end its
 * counts (delivered, dropped when the benchmark outran it) are printed. Run with
 * {@code bench/run-jmh.sh TrackedCallBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class TrackedCallBenchmark {

    private static final byte[] ANSWER = OpenAiFixtures.chatCompletion("gpt-4o-mini", "Paris.", new Usage(1200, 300, 200, 50, false))
            .getBytes(StandardCharsets.UTF_8);
    private static final CallSpec GENERIC = CallSpec.of("mistral", "mistral-small").tagged(CallTags.of("bench", "overhead"));

    private HttpServer logStub;
    private TrackedCompletion tollgate;
    private OpenAIClient client;
    private TrackedOpenAi tracked;
    private ChatCompletionCreateParams params;

    @Setup(Level.Trial)
    public void start() throws IOException {
        logStub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        logStub.createContext("/api/log", exchange -> {
            try (InputStream in = exchange.getRequestBody(); OutputStream out = exchange.getResponseBody()) {
                in.readAllBytes();
                byte[] body = "{\"accepted\":1}".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, body.length);
                out.write(body);
            }
        });
        logStub.start();
        tollgate = TrackedCompletion.create(TollgateConfig.builder().apiUrl("http://127.0.0.1:" + logStub.getAddress().getPort())
                .queueCapacity(100_000).batchSize(1000).flushInterval(Duration.ofMillis(50)).shutdownHook(false).build());
        client = new OpenAIClientImpl(ClientOptions.builder().httpClient(new InMemoryHttp()).baseUrl("http://in-memory/v1").apiKey("sk-bench")
                .maxRetries(0).build());
        tracked = TrackedOpenAi.wrap(client, tollgate).with(CallTags.of("bench", "overhead"));
        params = ChatCompletionCreateParams.builder().model("gpt-4o-mini").addUserMessage("What is the capital of France?").build();
    }

    @TearDown(Level.Trial)
    public void stop() {
        tollgate.flush(Duration.ofSeconds(10));
        System.err.println("reporter: " + tollgate.stats());
        tollgate.close();
        logStub.stop(0);
    }

    @Benchmark
    public ChatCompletion openaiDirect() {
        return client.chat().completions().create(params);
    }

    @Benchmark
    public ChatCompletion openaiTracked() {
        return tracked.chat().completions().create(params);
    }

    @Benchmark
    public String genericTracked() {
        return tollgate.track(GENERIC, () -> "answer", a -> TokenUsage.of(12, 3));
    }

    /** openai-java's HTTP layer answered from memory: every request gets the same recorded chat completion. */
    private static final class InMemoryHttp implements HttpClient {
        private static final Headers HEADERS = Headers.builder().put("Content-Type", "application/json").build();

        @Override
        public HttpResponse execute(HttpRequest request, RequestOptions options) {
            return new HttpResponse() {
                @Override
                public int statusCode() {
                    return 200;
                }

                @Override
                public Headers headers() {
                    return HEADERS;
                }

                @Override
                public InputStream body() {
                    return new ByteArrayInputStream(ANSWER);
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public CompletableFuture<HttpResponse> executeAsync(HttpRequest request, RequestOptions options) {
            return CompletableFuture.completedFuture(execute(request, options));
        }

        @Override
        public void close() {
        }
    }
}
