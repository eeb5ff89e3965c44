package dev.tollgate.provider;

import dev.tollgate.config.ProviderConfig;
import dev.tollgate.config.ProviderKind;
import dev.tollgate.config.TimeoutConfig;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An upstream on a loopback {@link ServerSocket} (plain or TLS) that speaks HTTP/1.1 exactly as its
 * script writes it, byte for byte: each accepted connection runs the script on its own thread, which reads
 * requests and writes raw answers, so framing, keep-alive and faults are the test's to choose. Counts the
 * connections it accepted.
 */
final class FakeUpstream implements AutoCloseable {

    /** What the upstream does on one accepted connection; {@code index} counts connections from 0. */
    @FunctionalInterface
    interface Script {
        void serve(Peer peer, int index) throws Exception;
    }

    /** A request as it came: its request line, headers with lower-case names, and body. */
    record Request(String line, Map<String, String> headers, byte[] body) {
    }

    /** Timeouts long enough never to fire in a test that is not about them. */
    static final TimeoutConfig PATIENT = new TimeoutConfig(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(30));

    private final ServerSocket server;
    private final Script script;
    private final AtomicInteger accepted = new AtomicInteger();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<Exception> failures = new CopyOnWriteArrayList<>();
    private final String scheme;

    FakeUpstream(Script script) throws IOException {
        this(new ServerSocket(), "http", script);
    }

    /** On {@code server}, not bound yet (an {@code SSLServerSocket} for https). */
    FakeUpstream(ServerSocket server, String scheme, Script script) throws IOException {
        this.server = server;
        this.scheme = scheme;
        this.script = script;
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread.ofVirtual().name("fake-upstream-accept").start(this::accept);
    }

    URI uri(String pathAndQuery) {
        return URI.create(scheme + "://127.0.0.1:" + server.getLocalPort() + pathAndQuery);
    }

    int accepted() {
        return accepted.get();
    }

    /** What ended scripts early: expected where the client hangs up, a bug in the test elsewhere. */
    List<Exception> failures() {
        return failures;
    }

    private void accept() {
        while (!server.isClosed()) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            sockets.add(socket);
            int index = accepted.getAndIncrement();
            Thread.ofVirtual().name("fake-upstream-" + index).start(() -> {
                try (Peer peer = new Peer(socket)) {
                    script.serve(peer, index);
                } catch (Exception e) {
                    failures.add(e);
                }
            });
        }
    }

    /** A client of provider {@code fake} whose error mapper says the status and quotes the body. */
    static UpstreamHttp client(TimeoutConfig timeouts, Map<String, String> configuredHeaders) {
        return new UpstreamHttp(provider(timeouts, configuredHeaders), FakeUpstream::mapError);
    }

    static ProviderConfig provider(TimeoutConfig timeouts, Map<String, String> configuredHeaders) {
        return new ProviderConfig("fake", ProviderKind.OPENAI, URI.create("http://127.0.0.1/v1"), Optional.empty(), List.of("*"), "",
                configuredHeaders, timeouts, null);
    }

    static UpstreamException mapError(int status, byte[] body, UpstreamHeaders headers) {
        return new UpstreamException(UpstreamException.Kind.STATUS, status, null, UpstreamHttp.passOn(headers),
                "answered " + status + ": " + new String(body, StandardCharsets.UTF_8));
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }

    /** One accepted connection. */
    static final class Peer implements AutoCloseable {

        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        Peer(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new BufferedInputStream(socket.getInputStream());
            this.out = socket.getOutputStream();
        }

        /** The accepted socket: an {@code SSLSocket} for https, whose session says what the client asked for. */
        Socket socket() {
            return socket;
        }

        /** The next request (its body by content-length), or {@code null} when the client closed the connection. */
        Request read() throws IOException {
            String line = line();
            if (line == null) {
                return null;
            }
            Map<String, String> headers = new LinkedHashMap<>();
            for (String h = line(); h != null && !h.isEmpty(); h = line()) {
                int colon = h.indexOf(':');
                headers.put(h.substring(0, colon).toLowerCase(Locale.ROOT), h.substring(colon + 1).strip());
            }
            byte[] body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
            return new Request(line, headers, body);
        }

        /** Whether the client closed its side (a read sees the end of the stream, or a reset). */
        boolean clientClosed() {
            try {
                return in.read() < 0;
            } catch (IOException e) {
                return true;
            }
        }

        void write(String raw) throws IOException {
            write(raw.getBytes(StandardCharsets.ISO_8859_1));
        }

        void write(byte[] raw) throws IOException {
            out.write(raw);
            out.flush();
        }

        /** Serves requests with {@code answer} until the client closes the connection. */
        void keepAnswering(String answer) throws IOException {
            while (read() != null) {
                write(answer);
            }
        }

        private String line() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) != '\n') {
                if (b < 0) {
                    return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
                }
                line.write(b);
            }
            String s = line.toString(StandardCharsets.ISO_8859_1);
            return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
