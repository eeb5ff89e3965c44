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
import dev.tollgate.provider.UpstreamHttp;
import dev.tollgate.usage.TokenCounter;
import java.net.URI;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * The adapter for every upstream that speaks OpenAI's wire format: OpenAI itself, Ollama, vLLM, LM
 * Studio, or any compatible base URL. Same-dialect traffic passes through with minimal edits.
 *
 * <p>The HTTP exchange, its timeouts ({@code connect}, {@code first_byte}, {@code idle}) and transport
 * failures are {@link UpstreamHttp}'s, shared with the other adapters.
 */
public final class OpenAiAdapter implements ProviderAdapter, EmbeddingsCapable {

    private final UpstreamHttp http;
    private final OpenAiRequestMapper requests;
    private final OpenAiResponseMapper responses;
    private final JsonMapper json;
    private final TokenCounter tokens;
    private final URI chatUri;
    private final URI embeddingsUri;
    private final Map<String, String> auth;

    public OpenAiAdapter(ProviderConfig config, JsonMapper json, TokenCounter tokens) {
        this.json = json;
        this.tokens = tokens;
        this.requests = new OpenAiRequestMapper(json);
        this.responses = new OpenAiResponseMapper(json);
        this.chatUri = URI.create(config.baseUrl() + "/chat/completions");
        this.embeddingsUri = URI.create(config.baseUrl() + "/embeddings");
        this.auth = config.apiKey().map(key -> Map.of("authorization", "Bearer " + key.value())).orElse(Map.of());
        this.http = new UpstreamHttp(config, new OpenAiErrorMapper(json, config.name(), config.apiKey().map(Secret::value).orElse(null)));
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
        UpstreamHttp.Exchange exchange = http.stream(chatUri, requests.body(request, upstreamModel), auth);
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

    private byte[] complete(URI uri, CanonicalRequest request, String upstreamModel) {
        return http.complete(uri, requests.body(request, upstreamModel), auth);
    }

    @Override
    public void close() {
        http.close();
    }
}
