package dev.tollgate.provider.gemini;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tollgate.provider.FuzzedStreams;
import dev.tollgate.usage.TokenCounter;
import java.io.ByteArrayInputStream;
import dev.tollgate.BoundedTime;

/** Fuzzes the Gemini SSE decoder with any upstream body (Jazzer; corpus in the test resources); see {@link FuzzedStreams}. */
class GeminiStreamDecoderFuzzTest {

    private static final TokenCounter TOKENS = new TokenCounter();

    @FuzzTest(maxDuration = "30s")
    void anyStream_endsOrFailsAsAnUpstreamException(byte[] body) {
        BoundedTime.run(() -> {
            var source = new GeminiStreamDecoder.Source(new ByteArrayInputStream(body), () -> { }, FuzzedStreams.REQUEST,
                    "gemini-2.5-flash", "gemini", 1_750_000_000L);
            FuzzedStreams.drain(new GeminiStreamDecoder(source, FuzzedStreams.JSON, new GeminiResponseMapper(FuzzedStreams.JSON), TOKENS));
        });
    }
}
