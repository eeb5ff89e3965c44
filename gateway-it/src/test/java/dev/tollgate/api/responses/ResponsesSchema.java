package dev.tollgate.api.responses;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * OpenAI's published {@code Response} and {@code ResponseStreamEvent} schemas (copied from
 * {@code ../shared/spec/openai-openapi.yaml} with what they refer to, into {@code openai-responses-schemas.json}),
 * as validators of what the gateway answers.
 */
public final class ResponsesSchema {

    private static final String ID = "https://tollgate.test/openai-responses.json";
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            b -> b.schemas(Map.of(ID, resource())));

    private static final JsonNode DOCUMENT = tools.jackson.databind.json.JsonMapper.builder().build().readTree(resource());

    private ResponsesSchema() {
    }

    /** The violations of the named component schema ({@code Response}, {@code ResponseStreamEvent}); empty when valid. */
    public static List<Error> violations(String component, JsonNode value) {
        Schema schema = REGISTRY.getSchema(SchemaLocation.of(ID + "#/components/schemas/" + component));
        return schema.validate(value.toString(), com.networknt.schema.InputFormat.JSON);
    }

    /**
     * The violations of one stream event, checked against the event schema its {@code type} names (the
     * {@code ResponseStreamEvent} union would only say that no member matched).
     */
    public static List<Error> eventViolations(JsonNode event) {
        String type = event.path("type").asString("");
        for (JsonNode member : DOCUMENT.at("/components/schemas/ResponseStreamEvent/anyOf")) {
            String name = member.get("$ref").asString().substring("#/components/schemas/".length());
            for (JsonNode value : DOCUMENT.at("/components/schemas/" + name + "/properties/type/enum")) {
                if (value.asString().equals(type)) {
                    return violations(name, event);
                }
            }
        }
        throw new AssertionError("no stream event of OpenAI's is of type '" + type + "'");
    }

    private static String resource() {
        try (InputStream in = ResponsesSchema.class.getResourceAsStream("/openai-responses-schemas.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
