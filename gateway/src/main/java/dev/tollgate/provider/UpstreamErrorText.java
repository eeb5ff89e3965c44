package dev.tollgate.provider;

import java.nio.charset.StandardCharsets;

/**
 * What an upstream's error may tell the client, for every error mapper: the upstream's message (or the
 * start of its body when it sent none) with the provider's credential scrubbed out and the length bounded.
 *
 * @param providerName the provider as configured, named in every message
 * @param secret the provider's API key, never shown; {@code null} when it has none
 */
public record UpstreamErrorText(String providerName, String secret) {

    private static final int MAX_MESSAGE_CHARS = 1000;
    private static final int MAX_RAW_BODY_CHARS = 200;

    /** {@code upstream NAME answered STATUS: MESSAGE}; without a message, the body's first characters. */
    public String answered(int status, String message, byte[] body) {
        String text = message != null ? message
                : new String(body, 0, Math.min(body.length, MAX_RAW_BODY_CHARS), StandardCharsets.UTF_8).strip();
        return "upstream " + providerName + " answered " + status + (text.isEmpty() ? "" : ": " + clean(text));
    }

    /** {@code text} without the credential, at most {@value #MAX_MESSAGE_CHARS} characters; {@code null} stays {@code null}. */
    public String clean(String text) {
        if (text == null) {
            return null;
        }
        String out = secret == null || secret.isEmpty() ? text : text.replace(secret, "****");
        return out.length() > MAX_MESSAGE_CHARS ? out.substring(0, MAX_MESSAGE_CHARS) + "…" : out;
    }
}
