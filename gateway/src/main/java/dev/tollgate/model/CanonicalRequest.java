package dev.tollgate.model;

import java.util.Optional;
import tools.jackson.databind.node.ObjectNode;

/** A parsed, validated call of any endpoint, in canonical form. */
public sealed interface CanonicalRequest permits ChatRequest, EmbeddingRequest {

    /** The model the client named; empty when it left the choice to Tollgate. */
    Optional<String> model();

    /** The client's body in OpenAI's shape, for lossless passthrough. */
    ObjectNode body();

    boolean stream();
}
