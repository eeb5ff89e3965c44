package dev.tollgate.provider.anthropic;

import dev.tollgate.config.ProviderConfig;
import dev.tollgate.config.Secret;
import dev.tollgate.model.ChatRequest;
import dev.tollgate.model.Usage;
import dev.tollgate.provider.ProviderAdapter;
import dev.tollgate.provider.ProviderResponse;
import dev.tollgate.provider.TokenCountCapable;
import dev.tollgate.provider.UpstreamException;
import dev.tollgate.provider.UpstreamHttp;
import dev.tollgate.provider.Wire;
import dev.tollgate.usage.TokenCounter;
import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * The adapter for Anthropic's Messages API ({@code POST {base_url}/v1/messages}, {@code x-api-key},
 * {@code anthropic-version: 2023-06-01}). Requests are translated from the canonical form (or forwarded
 * as the client wrote them when it spoke Anthropic's dialect); answers and streams come back in OpenAI's
 * shape, the gateway's inner response language, or as Anthropic sent them to a client of Anthropic's dialect. The HTTP exchange, its timeouts and transport failures
 * are {@link UpstreamHttp}'s, shared with the other adapters.
 */
public final class AnthropicAdapter implements ProviderAdapter, TokenCountCapable {

    static final String API_VERSION = "2023-06-01";

    private final UpstreamHttp http;
    private final AnthropicRequestMapper requests;
    private final AnthropicResponseMapper responses;
    private final AnthropicErrorMapper errors;
    private final JsonMapper json;
    private final TokenCounter tokens;
    private final Clock clock;
    private final URI messagesUri;
    private final URI countTokensUri;
    private final Map<String, String> headers;

    public AnthropicAdapter(ProviderConfig config, JsonMapper json, TokenCounter tokens, Clock clock) {
        this.json = json;
        this.tokens = tokens;
        this.clock = clock;
        this.requests = new AnthropicRequestMapper(json);
        this.responses = new AnthropicResponseMapper(json, clock);
        this.errors = new AnthropicErrorMapper(json, config.name(), config.apiKey().map(Secret::value).orElse(null));
        this.http = new UpstreamHttp(config, errors::map);
        this.messagesUri = URI.create(config.baseUrl() + "/v1/messages");
        this.countTokensUri = URI.create(config.baseUrl() + "/v1/messages/count_tokens");
        Map<String, String> h = new LinkedHashMap<>();
        h.put("anthropic-version", API_VERSION);
        config.apiKey().ifPresent(key -> h.put("x-api-key", key.value()));
        this.headers = Map.copyOf(h);
    }

    /**
     * A client that spoke Anthropic's dialect gets Anthropic's answer as it came (thinking blocks,
     * citations and the matched stop sequence intact); any other client gets it in OpenAI's shape.
     */
    @Override
    public ProviderResponse chat(ChatRequest request, String upstreamModel) {
        byte[] body = requests.body(request, upstreamModel);
        boolean sameDialect = request.anthropicBody().isPresent();
        Wire wire = sameDialect ? Wire.ANTHROPIC : Wire.OPENAI;
        if (!request.stream()) {
            byte[] raw = http.complete(messagesUri, body, headers);
            java.util.function.Function<String, Usage> unreported =
                    delivered -> Usage.estimated(tokens.countPrompt(upstreamModel, request.messages()), tokens.count(upstreamModel, delivered));
            AnthropicResponseMapper.Translated answer = sameDialect ? responses.passthrough(raw, unreported) : responses.completion(raw, unreported);
            return new ProviderResponse.Complete(answer.body(), answer.usage(), Map.of(), wire);
        }
        UpstreamHttp.Exchange exchange = http.stream(messagesUri, body, headers);
        var source = new AnthropicStreamDecoder.Source(exchange.body(), exchange::abort, request, upstreamModel,
                clock.instant().getEpochSecond(), sameDialect);
        return new ProviderResponse.Streaming(new AnthropicStreamDecoder(source, json, tokens, errors), Map.of(), wire);
    }

    /** Anthropic's own count: the request's messages, system prompt, tools and thinking settings, as a count request takes them. */
    @Override
    public long countTokens(ChatRequest request, String upstreamModel) {
        byte[] raw = http.complete(countTokensUri, requests.countTokensBody(request, upstreamModel), headers);
        var count = json.readTree(raw).path("input_tokens");
        if (!count.canConvertToLong() || count.asLong() < 0) {
            throw UpstreamException.of(UpstreamException.Kind.PROTOCOL, "anthropic answered the token count without input_tokens");
        }
        return count.asLong();
    }

    @Override
    public void close() {
        http.close();
    }
}
