package dev.tollgate.provider;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.model.ChatRequest;
import dev.tollgate.model.Message;
import dev.tollgate.model.Role;
import dev.tollgate.model.Usage;
import dev.tollgate.usage.TokenCounter;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class StreamUsageTest {

    private static final TokenCounter TOKENS = new TokenCounter();
    private static final String MODEL = "gpt-4o-mini";
    private static final List<Message> MESSAGES = List.of(Message.text(Role.USER, "Name the capital of France, please."));
    private static final ChatRequest REQUEST = new ChatRequest(Optional.of(MODEL), true, true, Optional.empty(), MESSAGES, List.of(),
            JsonMapper.builder().build().createObjectNode());

    private final StreamUsage usage = new StreamUsage(TOKENS, REQUEST, MODEL);

    @Test
    void completeStream_isTheUpstreamsCountAsItIs() {
        Usage reported = new Usage(2006, 17, 1920, 30, 5, false);
        usage.delivered("Paris is the capital of France, and has been for a long time.");

        assertThat(usage.of(reported, true)).isSameAs(reported);
    }

    @Test
    void cutStreamWithAReportedPrompt_keepsThePromptsCountsAndEstimatesTheDeliveredOutput() {
        usage.delivered("Paris is the capital");

        Usage cut = usage.of(new Usage(2006, 1, 1920, 30, 0, false), false);

        assertThat(cut).isEqualTo(new Usage(2006, TOKENS.count(MODEL, "Paris is the capital"), 1920, 30, 0, true));
    }

    @Test
    void cutStream_neverBillsLessOutputThanTheUpstreamReportedSoFar() {
        usage.delivered("Paris");

        assertThat(usage.of(new Usage(2006, 40, 0, 0, 0, false), false).outputTokens()).isEqualTo(40);
    }

    @Test
    void nothingReported_countsPromptAndDeliveredContent() {
        usage.delivered("Paris is the capital.");
        usage.delivered("get_weather{\"city\":\"Paris\"}");

        Usage estimated = usage.of(null, false);

        assertThat(estimated).isEqualTo(Usage.estimated(TOKENS.countPrompt(MODEL, MESSAGES),
                TOKENS.count(MODEL, "Paris is the capital.get_weather{\"city\":\"Paris\"}")));
        assertThat(estimated.inputTokens()).isPositive();
        assertThat(estimated.outputTokens()).isPositive();
    }

    @Test
    void reportedWithoutAPromptCount_countsThePromptItself() {
        usage.delivered("Paris");

        assertThat(usage.of(new Usage(0, 0, 0, 0, 0, false), false).inputTokens()).isEqualTo(TOKENS.countPrompt(MODEL, MESSAGES));
    }
}
