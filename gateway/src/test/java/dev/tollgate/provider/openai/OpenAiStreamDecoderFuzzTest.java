package dev.tollgate.provider.openai;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tollgate.provider.FuzzedStreams;
import dev.tollgate.usage.TokenCounter;
import java.io.ByteArrayInputStream;
import dev.tollgate.BoundedTime;

/** Fuzzes the OpenAI SSE decoder with any upstream body (Jazzer; corpus in the test resources); see {@link FuzzedStreams}. */
class OpenAiStreamDecoderFuzzTest {

    private static final TokenCounter TOKENS = new TokenCounter();

    @FuzzTest(maxDuration = "30s")
    void anyStream_endsOrFailsAsAnUpstreamException(byte[] body) {
        BoundedTime.run(() -> {
            var source = new OpenAiStreamDecoder.Source(new ByteArrayInputStream(body), () -> { }, FuzzedStreams.REQUEST, "gpt-4o-mini");
            FuzzedStreams.drain(new OpenAiStreamDecoder(source, FuzzedStreams.JSON, TOKENS));
        });
    }
}
