package dev.tollgate.provider.http;

import dev.tollgate.config.ProviderConfig;
import dev.tollgate.provider.UpstreamException;
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
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The HTTP side of a translating provider adapter: one Jetty client per provider, JSON POSTs with the
 * provider's timeouts, errors turned into {@link UpstreamException}s by the provider's own
 * {@link ErrorMapper}. Same semantics as the OpenAI adapter: {@code connect} bounds opening the
 * connection; a response must start within {@code first_byte}; a streamed body may pause at most
 * {@code idle} between two reads (a non-streamed body is generated before its headers, so the
 * first-byte timeout covers it). Messages never carry credentials: headers are not echoed.
 */
public final class JettyUpstreamClient implements AutoCloseable {

    private static final int MAX_BODY_BYTES = 64 * 1024 * 1024;
    private static final int MAX_ERROR_BYTES = 64 * 1024;

    /** Turns an upstream's error answer into an exception; each protocol has its own error shape. */
    @FunctionalInterface
    public interface ErrorMapper {
        UpstreamException map(int status, byte[] body, HttpFields headers);
    }

    /** One streamed exchange whose body is still to be read. */
    public record Exchange(Request request, InputStream body) {

        /** Aborts the upstream call (a stream the client no longer reads). */
        public void abort() {
            request.abort(new IOException("aborted by Tollgate"));
        }

        byte[] readAtMost(int max) {
            try {
                return body.readNBytes(max);
            } catch (IOException e) {
                return new byte[0];
            }
        }
    }

    private final ProviderConfig config;
    private final ErrorMapper errors;
    private final HttpClient http;

    public JettyUpstreamClient(ProviderConfig config, ErrorMapper errors) {
        this.config = config;
        this.errors = errors;
        this.http = newClient(config);
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

    private Request newRequest(URI uri, byte[] body, boolean stream, Map<String, String> headers, long idleMillis) {
        return http.newRequest(uri)
                .method(HttpMethod.POST)
                .idleTimeout(idleMillis, TimeUnit.MILLISECONDS)
                .headers(h -> {
                    h.put(HttpHeader.ACCEPT, stream ? "text/event-stream" : "application/json");
                    headers.forEach(h::put);
                    config.headers().forEach(h::put);
                })
                .body(new BytesRequestContent("application/json", body));
    }

    /** A non-streamed call: the whole answer, buffered; an error status is thrown as the provider maps it. */
    public byte[] complete(URI uri, byte[] body, Map<String, String> headers) {
        Request upstream = newRequest(uri, body, false, headers, config.timeouts().firstByte().toMillis());
        ContentResponse response = await(upstream, timeout -> new CompletableResponseListener(upstream, MAX_BODY_BYTES).send()
                .get(timeout, TimeUnit.MILLISECONDS));
        if (response.getStatus() / 100 != 2) {
            byte[] content = response.getContent();
            throw errors.map(response.getStatus(), content.length > MAX_ERROR_BYTES ? Arrays.copyOf(content, MAX_ERROR_BYTES) : content,
                    response.getHeaders());
        }
        return response.getContent();
    }

    /** A streamed call: returns once a 2xx response's headers arrived; the body is read as it comes. */
    public Exchange stream(URI uri, byte[] body, Map<String, String> headers) {
        Request upstream = newRequest(uri, body, true, headers, config.timeouts().idle().toMillis());
        InputStreamResponseListener listener = new InputStreamResponseListener();
        upstream.send(listener);
        Response response = await(upstream, timeout -> listener.get(timeout, TimeUnit.MILLISECONDS));
        Exchange exchange = new Exchange(upstream, listener.getInputStream());
        int status = response.getStatus();
        if (status / 100 != 2) {
            byte[] errorBody = exchange.readAtMost(MAX_ERROR_BYTES);
            exchange.abort();
            throw errors.map(status, errorBody, response.getHeaders());
        }
        return exchange;
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
                    "upstream " + config.name() + " did not answer within " + firstByte + " ms");
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
        boolean timedOut = cause instanceof TimeoutException || cause instanceof java.net.SocketTimeoutException;
        UpstreamException.Kind kind = isConnectFailure(cause) ? UpstreamException.Kind.CONNECT
                : timedOut ? UpstreamException.Kind.FIRST_BYTE_TIMEOUT : UpstreamException.Kind.BROKEN;
        return UpstreamException.of(kind, "upstream " + config.name() + " failed: " + describe(e));
    }

    private static boolean isConnectFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.ConnectException || t instanceof java.net.UnknownHostException
                    || t instanceof java.net.NoRouteToHostException) {
                return true;
            }
            if (t instanceof java.net.SocketTimeoutException && String.valueOf(t.getMessage()).toLowerCase().contains("connect")) {
                return true;
            }
        }
        return false;
    }

    /** The root cause's class and message: what went wrong, without request content. */
    public static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = root.getMessage();
        return root.getClass().getSimpleName() + (text == null ? "" : " (" + text + ")");
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
