package dev.tollgate.provider.openai;

import dev.tollgate.config.ProviderConfig;
import dev.tollgate.config.Secret;
import dev.tollgate.model.CanonicalRequest;
import dev.tollgate.model.ChatRequest;
import dev.tollgate.model.EmbeddingRequest;
import dev.tollgate.model.Usage;
import dev.tollgate.provider.EmbeddingsCapable;
import dev.tollgate.provider.ProviderAdapter;
import dev.tollgate.provider.ProviderResponse;
import dev.tollgate.provider.UpstreamException;
import dev.tollgate.usage.TokenCounter;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
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
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import tools.jackson.databind.json.JsonMapper;

/**
 * The adapter for every upstream that speaks OpenAI's wire format: OpenAI itself, Ollama, vLLM, LM
 * Studio, or any compatible base URL. Same-dialect traffic passes through with minimal edits.
 *
 * <p>Timeouts: {@code connect} bounds opening the connection; a response must start within
 * {@code first_byte}; a streamed body may pause at most {@code idle} between two reads (a non-streamed
 * body is generated before its headers, so the first-byte timeout covers it).
 */
public final class OpenAiAdapter implements ProviderAdapter, EmbeddingsCapable {

    private static final int MAX_BODY_BYTES = 64 * 1024 * 1024;
    private static final int MAX_ERROR_BYTES = 64 * 1024;

    private final ProviderConfig config;
    private final HttpClient http;
    private final OpenAiRequestMapper requests;
    private final OpenAiResponseMapper responses;
    private final OpenAiErrorMapper errors;
    private final JsonMapper json;
    private final TokenCounter tokens;
    private final URI chatUri;
    private final URI embeddingsUri;

    public OpenAiAdapter(ProviderConfig config, JsonMapper json, TokenCounter tokens) {
        this.config = config;
        this.json = json;
        this.tokens = tokens;
        this.requests = new OpenAiRequestMapper(json);
        this.responses = new OpenAiResponseMapper(json);
        this.errors = new OpenAiErrorMapper(json, config.name(), config.apiKey().map(Secret::value).orElse(null));
        this.chatUri = URI.create(config.baseUrl() + "/chat/completions");
        this.embeddingsUri = URI.create(config.baseUrl() + "/embeddings");
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
        // Upstream statuses are answers to relay, not challenges to act on: no auth, redirect or
        // 100-continue handling. The handlers are installed by start(), so they are removed after it.
        client.getProtocolHandlers().clear();
        return client;
    }

    @Override
    public ProviderResponse chat(ChatRequest request, String upstreamModel) {
        if (!request.stream()) {
            byte[] body = complete(chatUri, request, upstreamModel);
            Usage usage = responses.usageOf(body);
            if (usage == null) {
                usage = Usage.estimated(tokens.countPrompt(upstreamModel, request.messages()),
                        tokens.count(upstreamModel, responses.contentOf(body)));
            }
            return new ProviderResponse.Complete(body, usage, Map.of());
        }
        Exchange exchange = stream(chatUri, request, upstreamModel);
        var source = new OpenAiStreamDecoder.Source(exchange.body(), exchange::abort, request, upstreamModel);
        return new ProviderResponse.Streaming(new OpenAiStreamDecoder(source, json, tokens), Map.of());
    }

    @Override
    public ProviderResponse.Complete embed(EmbeddingRequest request, String upstreamModel) {
        byte[] body = complete(embeddingsUri, request, upstreamModel);
        Usage usage = responses.usageOf(body);
        if (usage == null) {
            long input = request.inputs().stream().mapToLong(text -> tokens.count(upstreamModel, text)).sum();
            usage = Usage.estimated(input, 0);
        }
        return new ProviderResponse.Complete(body, usage, Map.of());
    }

    private Request newRequest(URI uri, CanonicalRequest request, String upstreamModel, long idleMillis) {
        byte[] body = requests.body(request, upstreamModel);
        return http.newRequest(uri)
                .method(HttpMethod.POST)
                .idleTimeout(idleMillis, TimeUnit.MILLISECONDS)
                .headers(h -> {
                    h.put(HttpHeader.ACCEPT, request.stream() ? "text/event-stream" : "application/json");
                    config.apiKey().ifPresent(key -> h.put(HttpHeader.AUTHORIZATION, "Bearer " + key.value()));
                    config.headers().forEach(h::put);
                })
                .body(new BytesRequestContent("application/json", body));
    }

    /**
     * A non-streamed call: the whole answer is buffered by the client and handed over once, the
     * cheapest path (a non-streamed body is generated before its headers, so the first-byte timeout
     * bounds the whole call).
     */
    private byte[] complete(URI uri, CanonicalRequest request, String upstreamModel) {
        long firstByte = config.timeouts().firstByte().toMillis();
        Request upstream = newRequest(uri, request, upstreamModel, firstByte);
        ContentResponse response = await(upstream, timeout -> new CompletableResponseListener(upstream, MAX_BODY_BYTES).send()
                .get(timeout, TimeUnit.MILLISECONDS));
        if (response.getStatus() / 100 != 2) {
            byte[] content = response.getContent();
            throw errors.map(response.getStatus(), content.length > MAX_ERROR_BYTES ? java.util.Arrays.copyOf(content, MAX_ERROR_BYTES) : content,
                    response.getHeaders());
        }
        return response.getContent();
    }

    /** A streamed call: returns once a 2xx response's headers arrived; the body is read as it comes. */
    private Exchange stream(URI uri, CanonicalRequest request, String upstreamModel) {
        Request upstream = newRequest(uri, request, upstreamModel, config.timeouts().idle().toMillis());
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

    /** A wait of at most the first-byte timeout for the upstream's answer. */
    @FunctionalInterface
    private interface Wait<T> {
        T await(long timeoutMillis) throws InterruptedException, TimeoutException, ExecutionException;
    }

    /** Waits for the upstream, turning timeouts, interrupts and failures into {@link UpstreamException}s. */
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
        return UpstreamException.of(kind, "upstream " + config.name() + " failed: " + OpenAiStreamDecoder.describe(e));
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

    /** One upstream exchange whose body is still to be read. */
    private record Exchange(Request request, InputStream body) {

        void abort() {
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

    @Override
    public void close() {
        try {
            http.stop();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop the HTTP client of provider " + config.name(), e);
        }
    }
}
