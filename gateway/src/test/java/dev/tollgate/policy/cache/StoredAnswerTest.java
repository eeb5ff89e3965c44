package dev.tollgate.policy.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.model.Usage;
import dev.tollgate.provider.Chunk;
import dev.tollgate.provider.Wire;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The stored-answer encoding every tier uses: what goes in comes out, and damaged bytes are refused, never replayed. */
class StoredAnswerTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aWholeAnswer_andAStream_roundTrip() {
        StoredAnswer whole = new StoredAnswer(false, Wire.OPENAI, utf8("{\"id\":\"c\"}"), List.of(), new Usage(10, 2, 3, 1, 0, true),
                0.000125, "openai", "gpt-4o-mini", 1_000, 61_000);
        StoredAnswer stream = new StoredAnswer(true, Wire.ANTHROPIC, new byte[0],
                List.of(new Chunk(utf8("{\"type\":\"message_start\"}"), false, false, "message_start"),
                        new Chunk(utf8("{\"type\":\"content_block_delta\"}"), false, true, "content_block_delta"),
                        new Chunk(utf8("{\"usage\":{}}"), true, false, null)),
                new Usage(7, 9, 0, 0, 2, false), 0.5, "anthropic", "claude-sonnet-4-5", 5, 10);

        for (StoredAnswer a : List.of(whole, stream)) {
            StoredAnswer back = StoredAnswer.decode(a.encode());
            assertThat(back.streamed()).isEqualTo(a.streamed());
            assertThat(back.wire()).isEqualTo(a.wire());
            assertThat(back.body()).isEqualTo(a.body());
            assertThat(back.usage()).isEqualTo(a.usage());
            assertThat(back.costUsd()).isEqualTo(a.costUsd());
            assertThat(back.provider()).isEqualTo(a.provider());
            assertThat(back.model()).isEqualTo(a.model());
            assertThat(back.storedAtMillis()).isEqualTo(a.storedAtMillis());
            assertThat(back.expiresAtMillis()).isEqualTo(a.expiresAtMillis());
            assertThat(back.chunks()).hasSameSizeAs(a.chunks());
            for (int i = 0; i < a.chunks().size(); i++) {
                Chunk in = a.chunks().get(i);
                Chunk out = back.chunks().get(i);
                assertThat(out.json()).isEqualTo(in.json());
                assertThat(out.usageOnly()).isEqualTo(in.usageOnly());
                assertThat(out.hasContent()).isEqualTo(in.hasContent());
                assertThat(out.event()).isEqualTo(in.event());
            }
        }
    }

    @Test
    void truncatedOrForeignBytes_areRefused() {
        byte[] good = new StoredAnswer(false, Wire.OPENAI, utf8("{\"choices\":[]}"), List.of(), Usage.NONE, 0, "p", "m", 0, 1).encode();
        for (int cut = 0; cut < good.length; cut++) {
            byte[] truncated = Arrays.copyOf(good, cut);
            assertThatThrownBy(() -> StoredAnswer.decode(truncated)).isInstanceOf(IllegalArgumentException.class);
        }
        byte[] longer = Arrays.copyOf(good, good.length + 1);
        assertThatThrownBy(() -> StoredAnswer.decode(longer)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StoredAnswer.decode(utf8("{\"not\":\"ours\"}"))).isInstanceOf(IllegalArgumentException.class);
        Random random = new Random(14);
        for (int i = 0; i < 500; i++) {
            byte[] noise = new byte[random.nextInt(64)];
            random.nextBytes(noise);
            try {
                StoredAnswer.decode(noise);
            } catch (IllegalArgumentException expected) {
                // refused, as it must be; anything else would fail the test
            }
        }
    }
}
