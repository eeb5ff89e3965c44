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
import dev.tollgate.provider.UpstreamException;
import dev.tollgate.provider.Wire;
import java.net.URI;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The adapter for every upstream that speaks OpenAI's wire format: OpenAI itself, Ollama, vLLM, LM
 * Studio, or any compatible base URL. Same-dialect traffic passes through with minimal edits: chat
 * completions to {@code /chat/completions}, and a Responses API call to {@code /responses} as the client
 * wrote it when the provider passes those through ({@code responses_api: passthrough}).
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
    private final URI responsesUri;
    private final boolean responsesPassthrough;
    private final Map<String, String> auth;

    public OpenAiAdapter(ProviderConfig config, JsonMapper json, TokenCounter tokens) {
        this.json = json;
        this.tokens = tokens;
        this.requests = new OpenAiRequestMapper(json);
        this.responses = new OpenAiResponseMapper(json);
        this.chatUri = URI.create(config.baseUrl() + "/chat/completions");
        this.embeddingsUri = URI.create(config.baseUrl() + "/embeddings");
        this.responsesUri = URI.create(config.baseUrl() + "/responses");
        this.responsesPassthrough = config.responsesPassthrough();
        this.auth = config.apiKey().map(key -> Map.of("authorization", "Bearer " + key.value())).orElse(Map.of());
        this.http = new UpstreamHttp(config, new OpenAiErrorMapper(json, config.name(), config.apiKey().map(Secret::value).orElse(null)));
    }

    @Override
    public ProviderResponse chat(ChatRequest request, String upstreamModel) {
        if (responsesPassthrough && request.responsesBody().isPresent()) {
            return responses(request, request.responsesBody().get(), upstreamModel);
        }
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

    /** A Responses API call passed through: the client's body with the upstream's model name, the answer as it came. */
    private ProviderResponse responses(ChatRequest request, ObjectNode clientBody, String upstreamModel) {
        ObjectNode body = clientBody.deepCopy();
        body.put("model", upstreamModel);
        byte[] bytes = json.writeValueAsBytes(body);
        if (!request.stream()) {
            byte[] answer = http.complete(responsesUri, bytes, auth);
            JsonNode response;
            try {
                response = json.readTree(answer);
            } catch (JacksonException e) {
                throw UpstreamException.of(UpstreamException.Kind.PROTOCOL, "upstream answered with malformed JSON");
            }
            if (!response.isObject()) {
                throw UpstreamException.of(UpstreamException.Kind.PROTOCOL, "upstream answered with something other than a JSON object");
            }
            Usage usage = ResponsesWire.usageOf(response);
            if (usage == null) {
                usage = Usage.estimated(tokens.countPrompt(upstreamModel, request.messages()),
                        tokens.count(upstreamModel, ResponsesWire.contentOf(response)));
            }
            return new ProviderResponse.Complete(answer, usage, Map.of(), Wire.RESPONSES);
        }
        UpstreamHttp.Exchange exchange = http.stream(responsesUri, bytes, auth);
        var source = new ResponsesStreamDecoder.Source(exchange.body(), exchange::abort, request, upstreamModel);
        return new ProviderResponse.Streaming(new ResponsesStreamDecoder(source, json, tokens), Map.of(), Wire.RESPONSES);
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
