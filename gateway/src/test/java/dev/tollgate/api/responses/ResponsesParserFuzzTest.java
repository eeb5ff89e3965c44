package dev.tollgate.api.responses;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tollgate.BoundedTime;
import dev.tollgate.model.Principal;
import dev.tollgate.model.Scope;
import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.store.ResponseStore;
import dev.tollgate.store.StoredResponse;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fuzzes the Responses API request parser (Jazzer; the corpus beside this class in the test resources):
 * any body is parsed or refused with a 4xx {@link GatewayException}, nothing else, within bounded time.
 * Without {@code JAZZER_FUZZ} it replays the corpus as a regression test.
 */
class ResponsesParserFuzzTest {

    /** Knows one response, {@code resp_1}, so chained bodies reach the conversation's parsing too. */
    private static final ResponseStore ONE = new ResponseStore() {
        @Override
        public void put(StoredResponse response) {
        }

        @Override
        public Optional<StoredResponse> find(String orgId, String id) {
            return id.equals("resp_1") ? Optional.of(new StoredResponse(id, orgId, Instant.EPOCH, "{}",
                    "[{\"role\":\"user\",\"content\":\"Hi\"},{\"role\":\"assistant\",\"content\":\"Hello.\"}]")) : Optional.empty();
        }

        @Override
        public boolean delete(String orgId, String id) {
            return false;
        }

        @Override
        public long pruneBefore(Instant cutoff) {
            return 0;
        }
    };
    private static final ResponsesParser PARSER = new ResponsesParser(JsonMapper.builder().build(), ONE);
    private static final Principal CALLER = new Principal("acme", "k", Set.of(Scope.INFER), Set.of(), Optional.empty(), Optional.empty());

    @FuzzTest(maxDuration = "30s")
    void anyBody_isParsedOrRefusedWithA4xx(byte[] body) {
        BoundedTime.run(() -> {
            try {
                PARSER.parse(body, CALLER);
            } catch (GatewayException e) {
                assertThat(e.status()).as(e.getMessage()).isBetween(400, 499);
            }
        });
    }
}
