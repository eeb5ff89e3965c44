package dev.tollgate.config;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.ZoneOffset;
import dev.tollgate.BoundedTime;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fuzzes the budget rule parser behind {@code POST /governance/budgets} and the {@code budgets:} list of
 * the config file: any JSON object becomes a rule or a {@link ConfigException} listing its problems
 * (which the route answers as a 400); nothing else escapes, within bounded time.
 */
class BudgetRuleFuzzTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @FuzzTest(maxDuration = "30s")
    void anyRuleBody_isARuleOrAConfigException(byte[] body) {
        BoundedTime.run(() -> {
            JsonNode node;
            try {
                node = JSON.readTree(body);
            } catch (JacksonException notJson) {
                return; // the route's 400 "request body is not valid JSON"
            }
            if (node == null || !node.isObject()) {
                return; // the route's 400 "request body must be a JSON object"
            }
            try {
                BudgetRuleParser.parse(node, ZoneOffset.UTC);
            } catch (ConfigException expected) {
                // a 400 naming the problems
            }
        });
    }
}
