package dev.tollgate.api.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.BoundedTime;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fuzzes the Anthropic Messages request parser (Jazzer, corpus in the test resources beside this class):
 * any body is parsed or refused with a 4xx {@link GatewayException}, within bounded time.
 * {@link AnthropicMessagesFuzzTest} keeps its seeded structural mutations beside it.
 */
class AnthropicMessagesParserFuzzTest {

    private static final AnthropicMessagesParser PARSER = new AnthropicMessagesParser(JsonMapper.builder().build());

    @FuzzTest(maxDuration = "30s")
    void anyBody_isParsedOrRefusedWithA4xx(byte[] body) {
        BoundedTime.run(() -> {
            try {
                PARSER.parse(body);
            } catch (GatewayException e) {
                assertThat(e.status()).as(e.getMessage()).isBetween(400, 499);
            }
        });
    }
}
