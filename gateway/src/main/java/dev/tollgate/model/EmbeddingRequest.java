package dev.tollgate.model;

import java.util.List;
import java.util.Optional;
import tools.jackson.databind.node.ObjectNode;

/**
 * An embeddings call. {@code inputs} are the texts (token-array inputs are kept in {@code body} only
 * and counted as they are); {@code body} is the client's request, forwarded losslessly.
 */
public record EmbeddingRequest(Optional<String> model, List<String> inputs, Optional<Integer> dimensions, ObjectNode body)
        implements CanonicalRequest {

    public EmbeddingRequest {
        inputs = List.copyOf(inputs);
    }

    @Override
    public boolean stream() {
        return false;
    }
}
