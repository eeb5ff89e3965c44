package dev.tollgate.provider;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.api.openai.OpenAiChatParser;
import dev.tollgate.model.ChatRequest;
import dev.tollgate.model.Usage;
import java.nio.charset.StandardCharsets;
import tools.jackson.databind.json.JsonMapper;

/**
 * What every stream decoder fuzz test checks: the decoder yields chunks, ends, or fails with an
 * {@link UpstreamException} (which the relay turns into an error event), never another exception; and
 * the usage of whatever was read is always available and never negative.
 */
public final class FuzzedStreams {

    public static final JsonMapper JSON = JsonMapper.builder().build();
    public static final ChatRequest REQUEST = new OpenAiChatParser(JSON).parse(
            "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Tell me something\"}]}"
                    .getBytes(StandardCharsets.UTF_8));

    private FuzzedStreams() {
    }

    public static void drain(ChunkStream stream) {
        try (ChunkStream chunks = stream) {
            try {
                for (int i = 0; i < 1_000_000 && chunks.next() != null; i++) {
                    // every chunk is read, as the relay would
                }
            } catch (UpstreamException expected) {
                // an error event for the client
            }
            Usage usage = chunks.usage();
            assertThat(usage.inputTokens()).isNotNegative();
            assertThat(usage.outputTokens()).isNotNegative();
        }
    }
}
