package dev.tollgate.api.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.BoundedTime;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fuzzes the OpenAI chat request parser (Jazzer; the corpus beside this class in the test resources):
 * any body is parsed or refused with a 4xx {@link GatewayException}, nothing else, within bounded time.
 * Without {@code JAZZER_FUZZ} it replays the corpus as a regression test.
 */
class OpenAiChatParserFuzzTest {

    private static final OpenAiChatParser PARSER = new OpenAiChatParser(JsonMapper.builder().build());

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
