package dev.tollgate.provider;

import dev.tollgate.config.ProviderConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The HTTP side of every translating adapter (Jetty client, one pool per provider): POSTs a JSON body
 * and hands back a 2xx answer; any other status is thrown as the provider's {@link UpstreamErrorMapper}
 * maps it, and transport failures become {@link UpstreamException}s here. Messages never carry
 * credentials: request headers are not echoed.
 *
 * <p>Timeouts, as for every adapter: {@code connect} bounds opening the connection; a response must
 * start within {@code first_byte}; a streamed body may pause at most {@code idle} between two reads (a
 * non-streamed body is generated before its headers, so the first-byte timeout covers it).
 */
public final class UpstreamHttp implements AutoCloseable {

    /** The largest answer body read. */
    public static final int MAX_BODY_BYTES = 64 * 1024 * 1024;
    /** The most of an error body read, for its message. */
    public static final int MAX_ERROR_BYTES = 64 * 1024;

    private final ProviderConfig config;
    private final UpstreamErrorMapper errors;
    private final HttpClient http;

    public UpstreamHttp(ProviderConfig config, UpstreamErrorMapper errors) {
        this.config = config;
        this.errors = errors;
        this.http = newClient(config);
    }

    /** A streamed 2xx answer whose body is still to be read. */
    public record Exchange(HttpFields headers, InputStream body, Request request) {

        /** Stops the upstream call and drops its connection. */
        public void abort() {
            request.abort(new IOException("aborted by Tollgate"));
        }
    }

    private static HttpClient newClient(ProviderConfig config) {
        QueuedThreadPool pool = new QueuedThreadPool(64, 4);
        pool.setName("tollgate-upstream-" + config.name());
        pool.setDaemon(true);
        HttpClient client = new HttpClient();
        client.setExecutor(pool);
        client.setConnectTimeout(config.timeouts().connect().toMillis());
        client.setIdleTimeout(120_000);
        client.setFollowRedirects(false);
        client.setMaxConnectionsPerDestination(16_384);
        client.setMaxRequestsQueuedPerDestination(16_384);
        client.setUserAgentField(null);
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the HTTP client for provider " + config.name(), e);
        }
        // Upstream statuses are answers to relay, not challenges to act on.
        client.getProtocolHandlers().clear();
        return client;
    }

    /** A non-streamed POST: the whole 2xx answer's body, buffered; another status is thrown as mapped. */
    public byte[] complete(URI uri, byte[] body, Map<String, String> headers) {
        Request upstream = post(uri, body, "application/json", headers, config.timeouts().firstByte().toMillis());
        ContentResponse response = await(upstream, timeout -> new CompletableResponseListener(upstream, MAX_BODY_BYTES).send()
                .get(timeout, TimeUnit.MILLISECONDS));
        byte[] content = response.getContent();
        if (response.getStatus() / 100 != 2) {
            throw errors.map(response.getStatus(), content.length > MAX_ERROR_BYTES ? Arrays.copyOf(content, MAX_ERROR_BYTES) : content,
                    response.getHeaders());
        }
        return content;
    }

    /** A streamed POST: returns once a 2xx answer's headers arrived (the body is read as it comes); another status is thrown as mapped. */
    public Exchange stream(URI uri, byte[] body, Map<String, String> headers) {
        Request upstream = post(uri, body, "text/event-stream", headers, config.timeouts().idle().toMillis());
        InputStreamResponseListener listener = new InputStreamResponseListener();
        upstream.send(listener);
        Response response = await(upstream, timeout -> listener.get(timeout, TimeUnit.MILLISECONDS));
        Exchange exchange = new Exchange(response.getHeaders(), listener.getInputStream(), upstream);
        if (response.getStatus() / 100 != 2) {
            byte[] errorBody;
            try (InputStream in = exchange.body()) {
                errorBody = in.readNBytes(MAX_ERROR_BYTES);
            } catch (IOException e) {
                errorBody = new byte[0]; // the status alone still says what went wrong
            } finally {
                exchange.abort();
            }
            throw errors.map(response.getStatus(), errorBody, response.getHeaders());
        }
        return exchange;
    }

    private Request post(URI uri, byte[] body, String accept, Map<String, String> headers, long idleMillis) {
        return http.newRequest(uri)
                .method(HttpMethod.POST)
                .idleTimeout(idleMillis, TimeUnit.MILLISECONDS)
                .headers(h -> {
                    h.put("accept", accept);
                    headers.forEach(h::put);
                    config.headers().forEach(h::put);
                })
                .body(new BytesRequestContent("application/json", body));
    }

    @FunctionalInterface
    private interface Wait<T> {
        T await(long timeoutMillis) throws InterruptedException, TimeoutException, ExecutionException;
    }

    private <T> T await(Request upstream, Wait<T> wait) {
        long firstByte = config.timeouts().firstByte().toMillis();
        try {
            return wait.await(firstByte);
        } catch (TimeoutException e) {
            upstream.abort(e);
            throw UpstreamException.of(UpstreamException.Kind.FIRST_BYTE_TIMEOUT,
                    TransportFailure.noAnswer(config.name(), config.timeouts().firstByte()));
        } catch (InterruptedException e) {
            upstream.abort(e);
            Thread.currentThread().interrupt();
            throw UpstreamException.of(UpstreamException.Kind.BROKEN, "interrupted while waiting for upstream " + config.name());
        } catch (ExecutionException e) {
            throw failure(e);
        }
    }

    private UpstreamException failure(ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof IllegalArgumentException && String.valueOf(cause.getMessage()).contains("capacity")) {
            return UpstreamException.of(UpstreamException.Kind.PROTOCOL, "upstream " + config.name() + " answered with more than "
                    + MAX_BODY_BYTES + " bytes");
        }
        return TransportFailure.beforeAnswer(config.name(), config.timeouts().connect(), config.timeouts().firstByte(), cause);
    }

    /** The root cause of a failure, by class and message, for the log only: Jetty's messages carry addresses and object ids. */
    public static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = root.getMessage();
        return root.getClass().getSimpleName() + (text == null ? "" : " (" + text + ")");
    }

    /** Upstream headers worth passing on to the client (retry hints, OpenAI's and Anthropic's rate limits), lower-case names. */
    public static Map<String, String> passOn(HttpFields headers) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (var field : headers) {
            String name = field.getLowerCaseName();
            if (name.equals("retry-after") || name.equals("retry-after-ms") || name.startsWith("x-ratelimit-")
                    || name.startsWith("anthropic-ratelimit-")) {
                out.put(name, field.getValue());
            }
        }
        return out;
    }

    @Override
    public void close() {
        try {
            http.stop();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop the HTTP client of provider " + config.name(), e);
        }
    }
}
