package dev.tollgate.api.openai;

import dev.tollgate.model.EmbeddingRequest;
import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.pipeline.Inbound;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Parses and validates an OpenAI {@code /v1/embeddings} body. */
public final class OpenAiEmbeddingsParser implements Inbound.RequestParser {

    private static final int MAX_INPUTS = 2048;

    private final JsonMapper json;

    public OpenAiEmbeddingsParser(JsonMapper json) {
        this.json = json;
    }

    @Override
    public EmbeddingRequest parse(byte[] body) {
        ObjectNode root = JsonFields.object(json, body);
        Optional<String> model = OpenAiChatParser.modelName(root);
        Optional<Integer> dimensions = JsonFields.integer(root, "dimensions", "dimensions", 1, 65_536);
        JsonFields.type(root, "encoding_format", "encoding_format", "'float' or 'base64'",
                root.path("encoding_format").asString("").matches("float|base64"));
        return new EmbeddingRequest(model, inputs(root.get("input")), dimensions, root);
    }

    private static List<String> inputs(JsonNode input) {
        if (input == null || input.isNull()) {
            throw GatewayException.badRequest("input", "input: missing (expected: a string or an array of strings)");
        }
        if (input.isString()) {
            return List.of(input.asString());
        }
        if (!input.isArray() || input.isEmpty()) {
            throw GatewayException.badRequest("input", "input: " + JsonFields.describe(input)
                    + (input.isArray() ? " that is empty" : "") + " (expected: a string or a non-empty array of strings or token arrays)");
        }
        if (input.size() > MAX_INPUTS) {
            throw GatewayException.badRequest("input", "input: " + input.size() + " items (expected: at most " + MAX_INPUTS + ")");
        }
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < input.size(); i++) {
            JsonNode item = input.get(i);
            if (item.isString()) {
                texts.add(item.asString());
            } else if (!item.isIntegralNumber() && !item.isArray()) {
                throw JsonFields.wrongType("input[" + i + "]", "a string, a token or an array of tokens", item);
            }
        }
        return texts;
    }
}
