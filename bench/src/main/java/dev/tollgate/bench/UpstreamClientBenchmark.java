package dev.tollgate.bench;

import dev.tollgate.config.ProviderConfig;
import dev.tollgate.config.ProviderKind;
import dev.tollgate.config.TimeoutConfig;
import dev.tollgate.provider.UpstreamException;
import dev.tollgate.provider.UpstreamHttp;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The upstream client alone: one non-streamed {@link UpstreamHttp#complete} call (a chat completion's request
 * and answer bytes) over a kept-alive loopback connection to a minimal blocking HTTP/1.1 server in the same JVM,
 * from a platform thread ({@code complete}) and from a virtual thread, as the gateway calls it ({@code
 * completeOnVirtualThread}). The score includes the server's work and the loopback round trip, the same in every
 * build, so a difference between two builds is the client's. Run with {@code bench/run-jmh.sh UpstreamClient}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class UpstreamClientBenchmark {

    private static final byte[] REQUEST = """
            {"model":"gpt-4o-mini","messages":[{"role":"user","content":"Say this is a test."}],"max_tokens":16}"""
            .getBytes(StandardCharsets.UTF_8);
    private static final byte[] ANSWER = ("{\"id\":\"chatcmpl-mock-0001\",\"object\":\"chat.completion\",\"created\":1700000000,"
            + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
            + "\"This is a fixed mock response from the benchmark upstream.\"},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":11,\"total_tokens\":23},\"system_fingerprint\":\"fp_mock\"}")
            .getBytes(StandardCharsets.UTF_8);
    private static final Map<String, String> HEADERS = Map.of("authorization", "Bearer sk-bench");

    private ServerSocket server;
    private UpstreamHttp http;
    private URI uri;

    @Setup
    public void start() throws IOException {
        server = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().name("bench-upstream-accept").start(this::accept);
        uri = URI.create("http://127.0.0.1:" + server.getLocalPort() + "/v1/chat/completions");
        ProviderConfig provider = new ProviderConfig("bench", ProviderKind.OPENAI, uri, Optional.empty(), List.of("*"), "",
                Map.of(), TimeoutConfig.DEFAULTS, null);
        http = new UpstreamHttp(provider, (status, body, headers) -> UpstreamException.of(UpstreamException.Kind.BROKEN,
                "upstream answered " + status));
    }

    @TearDown
    public void stop() throws IOException {
        http.close();
        server.close();
    }

    @Benchmark
    public byte[] complete() {
        return http.complete(uri, REQUEST, HEADERS);
    }

    @Benchmark
    public byte[] completeOnVirtualThread() throws Exception {
        byte[][] answer = new byte[1][];
        Thread.ofVirtual().start(() -> answer[0] = http.complete(uri, REQUEST, HEADERS)).join();
        return answer[0];
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                socket.setTcpNoDelay(true);
                Thread.ofPlatform().daemon().name("bench-upstream-conn").start(() -> serve(socket));
            } catch (IOException e) {
                return; // closed at tear-down
            }
        }
    }

    /** Answers every request on the connection with the same chat completion, kept alive. */
    private static void serve(Socket socket) {
        byte[] head = ("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: " + ANSWER.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] response = new byte[head.length + ANSWER.length];
        System.arraycopy(head, 0, response, 0, head.length);
        System.arraycopy(ANSWER, 0, response, head.length, ANSWER.length);
        try (socket; InputStream in = new BufferedInputStream(socket.getInputStream()); OutputStream out = socket.getOutputStream()) {
            while (true) {
                int length = -1;
                StringBuilder line = new StringBuilder();
                for (int b = in.read(); ; b = in.read()) {
                    if (b < 0) {
                        return;
                    }
                    if (b != '\n') {
                        line.append((char) b);
                        continue;
                    }
                    String text = line.toString().strip();
                    line.setLength(0);
                    if (text.isEmpty()) {
                        break;
                    }
                    if (text.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                        length = Integer.parseInt(text.substring(15).strip());
                    }
                }
                if (length > 0) {
                    in.readNBytes(length);
                }
                out.write(response);
                out.flush();
            }
        } catch (IOException e) {
            // the client closed the connection
        }
    }
}
