package dev.tollgate.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256 digests (key hashes, cache keys, asset tags). Each digest starts from a clone of one prototype:
 * {@code MessageDigest.getInstance} looks the algorithm up among the providers and checks it against the
 * security policy on every call, which the request path paid up to three times per call.
 */
public final class Sha256 {

    private static final MessageDigest PROTOTYPE = create();

    private Sha256() {
    }

    public static byte[] of(byte[] data) {
        return fresh().digest(data);
    }

    /** The digest of {@code text} in UTF-8. */
    public static byte[] of(String text) {
        return of(text.getBytes(StandardCharsets.UTF_8));
    }

    private static MessageDigest fresh() {
        try {
            return (MessageDigest) PROTOTYPE.clone();
        } catch (CloneNotSupportedException e) {
            return create(); // a provider whose digests cannot be cloned: look it up each time
        }
    }

    private static MessageDigest create() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
        }
    }
}
