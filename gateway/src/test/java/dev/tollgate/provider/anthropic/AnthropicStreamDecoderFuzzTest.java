package dev.tollgate.provider.anthropic;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tollgate.provider.FuzzedStreams;
import dev.tollgate.usage.TokenCounter;
import java.io.ByteArrayInputStream;
import dev.tollgate.BoundedTime;

/** Fuzzes the Anthropic SSE decoder with any upstream body (Jazzer; corpus in the test resources); see {@link FuzzedStreams}. */
class AnthropicStreamDecoderFuzzTest {

    private static final TokenCounter TOKENS = new TokenCounter();
    private static final AnthropicErrorMapper ERRORS = new AnthropicErrorMapper(FuzzedStreams.JSON, "anthropic", "sk-ant-secret");

    @FuzzTest(maxDuration = "30s")
    void anyStream_endsOrFailsAsAnUpstreamException(byte[] body) {
        BoundedTime.run(() -> {
            var source = new AnthropicStreamDecoder.Source(new ByteArrayInputStream(body), () -> { }, FuzzedStreams.REQUEST,
                    "claude-sonnet-4-5", 1_700_000_000L);
            FuzzedStreams.drain(new AnthropicStreamDecoder(source, FuzzedStreams.JSON, TOKENS, ERRORS));
        });
    }
}
