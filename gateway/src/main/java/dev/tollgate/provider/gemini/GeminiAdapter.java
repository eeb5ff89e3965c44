package dev.tollgate.provider.gemini;

import dev.tollgate.config.ProviderConfig;
import dev.tollgate.config.Secret;
import dev.tollgate.model.ChatRequest;
import dev.tollgate.model.Usage;
import dev.tollgate.provider.ProviderAdapter;
import dev.tollgate.provider.ProviderResponse;
import dev.tollgate.provider.UpstreamException;
import dev.tollgate.provider.UpstreamHttp;
import dev.tollgate.provider.gemini.wire.GenerateContentResponse;
import dev.tollgate.usage.TokenCounter;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.regex.Pattern;
import tools.jackson.databind.json.JsonMapper;

/**
 * The adapter for Google's Gemini API: {@code POST {base_url}/models/{model}:generateContent}, and
 * {@code :streamGenerateContent?alt=sse} for streams. The API key travels in the {@code x-goog-api-key}
 * header, never in the URL, so it cannot surface in logs or error messages. Requests and answers are
 * translated to and from OpenAI's shape by the mappers of this package.
 */
public final class GeminiAdapter implements ProviderAdapter {

    /** Model names that are safe as one URL path segment. */
    private static final Pattern MODEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private final ProviderConfig config;
    private final UpstreamHttp http;
    private final JsonMapper json;
    private final TokenCounter tokens;
    private final Clock clock;
    private final GeminiRequestMapper requests;
    private final GeminiResponseMapper responses;
    private final Map<String, String> auth;

    public GeminiAdapter(ProviderConfig config, JsonMapper json, TokenCounter tokens, Clock clock) {
        this.config = config;
        this.json = json;
        this.tokens = tokens;
        this.clock = clock;
        this.requests = new GeminiRequestMapper(json);
        this.responses = new GeminiResponseMapper(json);
        String key = config.apiKey().map(Secret::value).orElse(null);
        this.auth = key == null ? Map.of() : Map.of("x-goog-api-key", key);
        this.http = new UpstreamHttp(config, new GeminiErrorMapper(json, config.name(), key));
    }

    @Override
    public ProviderResponse chat(ChatRequest request, String upstreamModel) {
        if (!MODEL.matcher(upstreamModel).matches()) {
            throw GeminiRequestMapper.rejected("model", "model: '" + upstreamModel + "' is not a Gemini model name "
                    + "(expected: letters, digits, '.', '_' or '-', such as gemini-2.5-flash)");
        }
        byte[] body = requests.body(request);
        if (!request.stream()) {
            return complete(request, upstreamModel, http.complete(uri(upstreamModel, ":generateContent"), body, auth));
        }
        UpstreamHttp.Exchange exchange = http.stream(uri(upstreamModel, ":streamGenerateContent?alt=sse"), body, auth);
        var source = new GeminiStreamDecoder.Source(exchange.body(), exchange::abort, request, upstreamModel, config.name(),
                clock.instant().getEpochSecond());
        return new ProviderResponse.Streaming(new GeminiStreamDecoder(source, json, responses, tokens), Map.of());
    }

    private ProviderResponse.Complete complete(ChatRequest request, String model, byte[] body) {
        GenerateContentResponse response = responses.read(body);
        GeminiResponseMapper.checkNotBlocked(response, config.name());
        if (response.candidates().isEmpty()) {
            throw UpstreamException.of(UpstreamException.Kind.PROTOCOL, "upstream " + config.name() + " answered without candidates");
        }
        Usage usage = GeminiResponseMapper.usageOf(response.usageMetadata());
        if (usage == null) {
            usage = Usage.estimated(tokens.countPrompt(model, request.messages()), tokens.count(model, GeminiResponseMapper.delivered(response)));
        }
        byte[] out = json.writeValueAsBytes(responses.completion(response, model, clock.instant().getEpochSecond(), usage));
        return new ProviderResponse.Complete(out, usage, Map.of());
    }

    private URI uri(String model, String method) {
        return URI.create(config.baseUrl() + "/models/" + model + method);
    }

    @Override
    public void close() {
        http.close();
    }
}
