package dev.tollgate.pipeline;

/** What kind of call a request is; usage events and scopes are per endpoint. */
public enum Endpoint {
    CHAT("chat"), EMBEDDINGS("embeddings");

    private final String wireName;

    Endpoint(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
