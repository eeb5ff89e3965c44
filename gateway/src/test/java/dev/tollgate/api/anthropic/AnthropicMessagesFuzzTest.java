package dev.tollgate.api.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.api.openai.OpenAiChatParser;
import dev.tollgate.model.ChatRequest;
import dev.tollgate.pipeline.GatewayException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Seeded random mutations of a valid Messages request: every value somewhere in the tree replaced by a
 * value of another JSON type, fields removed, bytes cut. The parser must accept the body or refuse it with
 * a 400 naming a parameter; nothing else may escape (a 500 on bad input is a bug). What it accepts
 * translates to an OpenAI request that OpenAI's own parser reads back to the same messages and tools.
 */
class AnthropicMessagesFuzzTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final String VALID = """
            {"model":"claude-sonnet-4-5","max_tokens":1024,"stream":false,"temperature":0.5,"top_p":0.9,"top_k":5,
             "stop_sequences":["END"],"metadata":{"user_id":"u1"},
             "system":[{"type":"text","text":"Be brief.","cache_control":{"type":"ephemeral"}}],
             "tools":[{"name":"get_weather","description":"Weather","input_schema":{"type":"object","properties":{"city":{"type":"string"}}}}],
             "tool_choice":{"type":"tool","name":"get_weather","disable_parallel_tool_use":true},
             "messages":[
              {"role":"user","content":[{"type":"text","text":"Look"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}}]},
              {"role":"assistant","content":[{"type":"text","text":"Checking"},{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}}]},
              {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":[{"type":"text","text":"18C"}],"is_error":false}]}]}
            """;

    private final AnthropicMessagesParser parser = new AnthropicMessagesParser(JSON);

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void mutatedRequests_areAcceptedOrRefusedWithA400(long seed) {
        Random random = new Random(seed);
        int refused = 0;
        for (int round = 0; round < 300; round++) {
            JsonNode root = JSON.readTree(VALID);
            List<JsonNode> containers = new ArrayList<>();
            collect(root, containers);
            for (int m = 0, n = 1 + random.nextInt(3); m < n; m++) {
                mutate(containers.get(random.nextInt(containers.size())), random);
            }
            byte[] body = JSON.writeValueAsBytes(root);
            if (random.nextInt(10) == 0) {
                body = java.util.Arrays.copyOf(body, random.nextInt(body.length));
            }
            try {
                ChatRequest request = parser.parse(body);
                assertThat(request.body().get("messages").isArray()).isTrue();
                assertThat(request.maxTokens()).isPresent();
                // The translation is itself a valid OpenAI request, as an OpenAI-compatible upstream needs.
                ChatRequest asOpenAi = new OpenAiChatParser(JSON).parse(JSON.writeValueAsBytes(request.body()));
                assertThat(asOpenAi.messages()).isEqualTo(request.messages());
                assertThat(asOpenAi.tools()).isEqualTo(request.tools());
            } catch (GatewayException e) {
                assertThat(e.status()).as(new String(body, StandardCharsets.UTF_8)).isEqualTo(400);
                assertThat(e.getMessage()).isNotBlank();
                refused++;
            }
        }
        assertThat(refused).as("the mutations do produce bad requests").isGreaterThan(30);
    }

    private static void collect(JsonNode node, List<JsonNode> out) {
        if (node.isObject() || node.isArray()) {
            out.add(node);
            for (JsonNode child : node) {
                collect(child, out);
            }
        }
    }

    private static void mutate(JsonNode container, Random random) {
        if (container instanceof ObjectNode object && !object.isEmpty()) {
            List<String> names = new ArrayList<>(object.propertyNames());
            String name = names.get(random.nextInt(names.size()));
            if (random.nextInt(4) == 0) {
                object.remove(name);
            } else {
                object.set(name, randomValue(random));
            }
        } else if (container instanceof ArrayNode array && !array.isEmpty()) {
            array.set(random.nextInt(array.size()), randomValue(random));
        }
    }

    private static JsonNode randomValue(Random random) {
        return switch (random.nextInt(8)) {
            case 0 -> F.nullNode();
            case 1 -> F.booleanNode(random.nextBoolean());
            case 2 -> F.numberNode(random.nextInt(2_000_001) - 1_000_000);
            case 3 -> F.numberNode(random.nextDouble() * 3);
            case 4 -> F.stringNode(random.nextBoolean() ? "" : "x\u0000\u202e" + random.nextInt());
            case 5 -> F.arrayNode().add(random.nextInt());
            case 6 -> F.objectNode().put("type", random.nextBoolean() ? "text" : "tool_use");
            default -> F.objectNode();
        };
    }
}
