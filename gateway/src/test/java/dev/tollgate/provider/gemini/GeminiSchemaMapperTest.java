package dev.tollgate.provider.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class GeminiSchemaMapperTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final GeminiSchemaMapper schemas = new GeminiSchemaMapper();

    private JsonNode clean(String schema) {
        return schemas.responseSchema(JSON.readTree(schema));
    }

    @Test
    void keywordsGeminiRejects_areDropped_nestedToo() {
        assertThat(clean("""
                {"$schema":"https://json-schema.org/draft/2020-12/schema","$id":"x","type":"object","additionalProperties":false,
                 "title":"Person","properties":{"name":{"type":"string","minLength":1,"examples":["Ann"]},
                   "tags":{"type":"array","uniqueItems":true,"items":{"type":"string","additionalProperties":false}},
                   "age":{"type":"integer","exclusiveMinimum":0,"format":"int32"}},
                 "required":["name","ghost"],"patternProperties":{"^x":{}}}"""))
                .isEqualTo(JSON.readTree("""
                {"type":"object","title":"Person","properties":{"name":{"type":"string","minLength":1},
                   "tags":{"type":"array","items":{"type":"string"}},"age":{"type":"integer","format":"int32"}},
                 "required":["name"]}"""));
    }

    @Test
    void propertyNamedLikeAKeyword_isKept() {
        assertThat(clean("{\"type\":\"object\",\"properties\":{\"additionalProperties\":{\"type\":\"boolean\"},\"$ref\":{\"type\":\"string\"}}}"))
                .isEqualTo(JSON.readTree("{\"type\":\"object\",\"properties\":{\"additionalProperties\":{\"type\":\"boolean\"},\"$ref\":{\"type\":\"string\"}}}"));
    }

    @Test
    void localReferences_areInlined_andRecursiveOnesEndAsAnObject() {
        assertThat(clean("""
                {"type":"object","$defs":{"Node":{"type":"object","properties":{"value":{"type":"string"},
                   "child":{"$ref":"#/$defs/Node"}}}},
                 "properties":{"root":{"$ref":"#/$defs/Node"},"missing":{"$ref":"#/definitions/Nope"}}}"""))
                .isEqualTo(JSON.readTree("""
                {"type":"object","properties":{
                   "root":{"type":"object","properties":{"value":{"type":"string"},"child":{"type":"object"}}},
                   "missing":{"type":"object"}}}"""));
    }

    @Test
    void nullableForms_constOneOfAndAllOf_areRewritten() {
        assertThat(clean("""
                {"type":"object","properties":{
                   "a":{"type":["integer","null"]},
                   "b":{"anyOf":[{"type":"string"},{"type":"null"}],"default":null},
                   "c":{"const":"fixed"},
                   "d":{"oneOf":[{"type":"string"},{"type":"number"}]},
                   "e":{"allOf":[{"type":"object","properties":{"x":{"type":"string"}},"required":["x"]},
                                 {"properties":{"y":{"type":"number"}}}]},
                   "f":{"type":"integer","enum":[1,2,3]},
                   "g":{"type":"string","format":"email"}}}"""))
                .isEqualTo(JSON.readTree("""
                {"type":"object","properties":{
                   "a":{"type":"integer","nullable":true},
                   "b":{"default":null,"nullable":true,"type":"string"},
                   "c":{"enum":["fixed"],"type":"string"},
                   "d":{"anyOf":[{"type":"string"},{"type":"number"}]},
                   "e":{"type":"object","properties":{"x":{"type":"string"},"y":{"type":"number"}},"required":["x"]},
                   "f":{"type":"integer"},
                   "g":{"type":"string"}}}"""));
    }

    @Test
    void schemaWithoutProperties_declaresNoParameters() {
        assertThat(schemas.parameters(JSON.readTree("{\"type\":\"object\",\"properties\":{},\"additionalProperties\":false}"))).isNull();
        assertThat(schemas.parameters(JSON.readTree("{}"))).isNull();
        assertThat(schemas.parameters(JSON.readTree("\"text\""))).isNull();
    }

    @Test
    void referencesThatExpandExponentially_areRefused() {
        StringBuilder defs = new StringBuilder("{\"$defs\":{\"L0\":{\"type\":\"string\"}");
        for (int i = 1; i <= 30; i++) {
            defs.append(",\"L").append(i).append("\":{\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":\"#/$defs/L").append(i - 1)
                    .append("\"},\"b\":{\"$ref\":\"#/$defs/L").append(i - 1).append("\"}}}");
        }
        String schema = defs + "},\"type\":\"object\",\"properties\":{\"top\":{\"$ref\":\"#/$defs/L30\"}}}";

        assertThatThrownBy(() -> schemas.parameters(JSON.readTree(schema)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the schema expands to more than 10000 subschemas");
    }
}
