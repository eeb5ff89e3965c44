package dev.tollgate.sdk;

import java.util.Locale;

/**
 * What a tracked call is, known before it starts: the provider and the model asked for, its tags, the
 * endpoint ({@code chat} or {@code embeddings}) and whether it streams. The model the provider reports
 * in its answer, when it reports one, replaces the requested one ({@link TrackedCall#answeredBy}).
 */
public record CallSpec(String provider, String model, CallTags tags, String endpoint, boolean stream) {

    public CallSpec {
        if (provider == null) {
            throw new IllegalArgumentException("provider: missing (expected: a provider name such as openai)");
        }
        provider = provider.toLowerCase(Locale.ROOT);
        CallTags.check("provider", provider, CallTags.TAG, "1 to 128 letters, digits, spaces or . _ : / -");
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("model: missing (expected: the model name the call asks for)");
        }
        tags = tags == null ? CallTags.DEFAULTS : tags;
        endpoint = endpoint == null ? "chat" : endpoint;
        CallTags.check("endpoint", endpoint, CallTags.TAG, "chat, embeddings or another name");
    }

    public static CallSpec of(String provider, String model) {
        return new CallSpec(provider, model, CallTags.DEFAULTS, "chat", false);
    }

    public CallSpec tagged(CallTags value) {
        return new CallSpec(provider, model, value, endpoint, stream);
    }

    public CallSpec endpoint(String value) {
        return new CallSpec(provider, model, tags, value, stream);
    }

    public CallSpec streaming() {
        return new CallSpec(provider, model, tags, endpoint, true);
    }
}
