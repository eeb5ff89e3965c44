package dev.tollgate.semantic.index;

import dev.tollgate.policy.cache.semantic.SemanticText;
import dev.tollgate.semantic.decision.PairFeatures;
import dev.tollgate.semantic.decision.TextProfile;
import dev.tollgate.semantic.embed.Embedder;
import java.util.Locale;

/**
 * A conversation as the index compares it: the prompt's embedding and profile, and, when there is earlier
 * conversation, the context's embedding, profile and a fingerprint of its normalised text.
 *
 * @param vector the vector the ANN index searches with: the prompt's, nudged towards the context's when there is one
 */
record Conversation(float[] prompt, TextProfile promptProfile, float[] context, TextProfile contextProfile,
                    long contextFingerprint, float[] vector) {

    /** A context is only as similar as this, and free of critical-token differences, unless it is the same text. */
    static final double MIN_CONTEXT_COSINE = 0.97;
    private static final float CONTEXT_WEIGHT = 0.7f;

    static Conversation of(SemanticText text, Embedder embedder) {
        float[] prompt = embedder.embed(text.prompt());
        TextProfile promptProfile = TextProfile.of(text.prompt());
        if (text.context().isBlank()) {
            return new Conversation(prompt, promptProfile, null, null, 0, prompt);
        }
        float[] context = embedder.embed(text.context());
        float[] vector = new float[prompt.length];
        double norm = 0;
        for (int i = 0; i < vector.length; i++) {
            vector[i] = prompt[i] + CONTEXT_WEIGHT * context[i];
            norm += vector[i] * vector[i];
        }
        float scale = (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < vector.length; i++) {
            vector[i] *= scale;
        }
        return new Conversation(prompt, promptProfile, context, TextProfile.of(text.context()),
                fingerprint(text.context()), vector);
    }

    boolean hasContext() {
        return context != null;
    }

    /**
     * Whether the earlier conversation is the same: none on either side, the same text (up to case and spacing),
     * or near-identical in meaning with the same numbers, names and negations.
     */
    boolean sameContext(Conversation other) {
        if (hasContext() != other.hasContext()) {
            return false;
        }
        if (!hasContext() || contextFingerprint == other.contextFingerprint) {
            return true;
        }
        return Embedder.cosine(context, other.context) >= MIN_CONTEXT_COSINE
                && PairFeatures.veto(contextProfile, other.contextProfile).isEmpty();
    }

    long bytes() {
        long vectors = 4L * prompt.length + (hasContext() ? 8L * context.length : 0);
        return 64 + vectors + promptProfile.bytes() + (hasContext() ? contextProfile.bytes() : 0);
    }

    /** 64 bits of a normalised text: lower case, runs of white space as one space. */
    static long fingerprint(String text) {
        String normal = text.strip().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < normal.length(); i++) {
            h ^= normal.charAt(i);
            h *= 0x100000001b3L;
        }
        return h == 0 ? 1 : h;
    }
}
