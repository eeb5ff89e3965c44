package dev.tollgate.provider.openai;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tollgate.BoundedTime;
import dev.tollgate.provider.FuzzedStreams;
import dev.tollgate.usage.TokenCounter;
import java.io.ByteArrayInputStream;

/**
 * Fuzzes the Responses API passthrough decoder with any upstream body (Jazzer; corpus in the test resources): it
 * ends, or fails as an upstream exception, within bounded time; see {@link FuzzedStreams}.
 */
class ResponsesStreamDecoderFuzzTest {

    private static final TokenCounter TOKENS = new TokenCounter();

    @FuzzTest(maxDuration = "30s")
    void anyStream_endsOrFailsAsAnUpstreamException(byte[] body) {
        BoundedTime.run(() -> {
            var source = new ResponsesStreamDecoder.Source(new ByteArrayInputStream(body), () -> { }, FuzzedStreams.REQUEST, "gpt-4o-mini");
            FuzzedStreams.drain(new ResponsesStreamDecoder(source, FuzzedStreams.JSON, TOKENS));
        });
    }
}
