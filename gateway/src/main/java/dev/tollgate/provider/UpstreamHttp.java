package dev.tollgate.provider;

import dev.tollgate.config.ProviderConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * The HTTP side of every translating adapter: POSTs a JSON body over HTTP/1.1 and hands back a 2xx
 * answer; any other status is thrown as the provider's {@link UpstreamErrorMapper} maps it, and transport
 * failures become {@link UpstreamException}s here. Messages never carry credentials: request headers are
 * not echoed.
 *
 * <p>The call runs on the caller's (virtual) thread from the request's first byte to the answer's last
 * ({@link Http1Client}): no thread hand-off, which cost about a quarter of a proxied call's CPU with an
 * asynchronous client. Connections are kept alive per provider.
 *
 * <p>Timeouts, as for every adapter: {@code connect} bounds opening the connection (TCP and TLS); a
 * non-streamed answer must arrive whole within {@code first_byte} (its body is generated before its
 * headers); a streamed answer's headers must arrive within {@code first_byte}, and its body may then
 * pause at most {@code idle} between two reads.
 */
public final class UpstreamHttp implements AutoCloseable {

    /** The largest answer body read. */
    public static final int MAX_BODY_BYTES = 64 * 1024 * 1024;
    /** The most of an error body read, for its message. */
    public static final int MAX_ERROR_BYTES = 64 * 1024;
    /** Idle connections kept per destination, and how long one may stay idle before it is closed rather than reused. */
    private static final int MAX_IDLE_CONNECTIONS = 64;
    private static final Duration MAX_IDLE = Duration.ofSeconds(60);

    private final ProviderConfig config;
    private final UpstreamErrorMapper errors;
    private final Http1Client http;

    public UpstreamHttp(ProviderConfig config, UpstreamErrorMapper errors) {
        this(config, errors, null);
    }

    /** With {@code tls} as the TLS context of https connections; {@code null} for the JDK's default. */
    UpstreamHttp(ProviderConfig config, UpstreamErrorMapper errors, SSLContext tls) {
        this.config = config;
        this.errors = errors;
        this.http = new Http1Client(tls, config.timeouts().connect(), new ConnectionPool(MAX_IDLE_CONNECTIONS, MAX_IDLE, System::nanoTime));
    }

    /** A streamed 2xx answer whose body is still to be read. */
    public static final class Exchange {

        private final UpstreamHeaders headers;
        private final ResponseBody body;

        private Exchange(UpstreamHeaders headers, ResponseBody body) {
            this.headers = headers;
            this.body = body;
        }

        public UpstreamHeaders headers() {
            return headers;
        }

        /** The body as it arrives; read to its end, the connection serves the next call, closed earlier it is dropped. */
        public InputStream body() {
            return body;
        }

        /** Stops the upstream call and drops its connection, from any thread; after the body's end it does nothing. */
        public void abort() {
            body.abort();
        }
    }

    /** A non-streamed POST: the whole 2xx answer's body, buffered; another status is thrown as mapped. */
    public byte[] complete(URI uri, byte[] body, Map<String, String> headers) {
        Http1Client.Response response = send(uri, body, "application/json", headers);
        int status = response.head().status();
        try (ResponseBody in = response.body()) {
            if (status / 100 != 2) {
                throw errors.map(status, in.readNBytes(MAX_ERROR_BYTES), response.head().headers());
            }
            long length = in.contentLength();
            if (length > MAX_BODY_BYTES) {
                throw tooLarge();
            }
            if (length >= 0) {
                byte[] content = new byte[(int) length];
                in.readNBytes(content, 0, content.length);
                return content;
            }
            byte[] content = in.readNBytes(MAX_BODY_BYTES + 1);
            if (content.length > MAX_BODY_BYTES) {
                throw tooLarge();
            }
            return content;
        } catch (IOException e) {
            throw failure(e);
        }
    }

    /** A streamed POST: returns once a 2xx answer's headers arrived (the body is read as it comes); another status is thrown as mapped. */
    public Exchange stream(URI uri, byte[] body, Map<String, String> headers) {
        Http1Client.Response response = send(uri, body, "text/event-stream", headers);
        Exchange exchange = new Exchange(response.head().headers(), response.body());
        int status = response.head().status();
        if (status / 100 != 2) {
            byte[] errorBody;
            try (InputStream in = exchange.body()) {
                errorBody = in.readNBytes(MAX_ERROR_BYTES);
            } catch (IOException e) {
                errorBody = new byte[0]; // the status alone still says what went wrong
            }
            throw errors.map(status, errorBody, exchange.headers());
        }
        response.body().readTimeout(config.timeouts().idle());
        return exchange;
    }

    private Http1Client.Response send(URI uri, byte[] body, String accept, Map<String, String> headers) {
        Destination destination = Destination.of(uri);
        byte[] request = Http1Request.encode(uri, destination, accept, headers, config.headers(), body);
        try {
            return http.send(destination, request, System.nanoTime() + config.timeouts().firstByte().toNanos());
        } catch (IOException e) {
            throw failure(e);
        }
    }

    private UpstreamException failure(IOException e) {
        if (Thread.currentThread().isInterrupted()) {
            return UpstreamException.of(UpstreamException.Kind.BROKEN, "interrupted while waiting for upstream " + config.name());
        }
        if (e instanceof UpstreamProtocolException) {
            return UpstreamException.of(UpstreamException.Kind.PROTOCOL, "upstream " + config.name() + " answered with " + e.getMessage());
        }
        return TransportFailure.beforeAnswer(config.name(), config.timeouts().connect(), config.timeouts().firstByte(), e);
    }

    private UpstreamException tooLarge() {
        return UpstreamException.of(UpstreamException.Kind.PROTOCOL, "upstream " + config.name() + " answered with more than "
                + MAX_BODY_BYTES + " bytes");
    }

    /** The root cause of a failure, by class and message, for the log only: socket and TLS messages carry addresses and host names. */
    public static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = root.getMessage();
        return root.getClass().getSimpleName() + (text == null ? "" : " (" + text + ")");
    }

    /** Upstream headers worth passing on to the client (retry hints, OpenAI's and Anthropic's rate limits), lower-case names. */
    public static Map<String, String> passOn(UpstreamHeaders headers) {
        Map<String, String> out = new LinkedHashMap<>();
        for (UpstreamHeaders.Field field : headers) {
            String name = field.name();
            if (name.equals("retry-after") || name.equals("retry-after-ms") || name.startsWith("x-ratelimit-")
                    || name.startsWith("anthropic-ratelimit-")) {
                out.put(name, field.value());
            }
        }
        return out;
    }

    /** Closes the idle connections; streams still being read keep theirs until they end. */
    @Override
    public void close() {
        http.close();
    }
}
