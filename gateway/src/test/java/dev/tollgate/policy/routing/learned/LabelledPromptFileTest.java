package dev.tollgate.policy.routing.learned;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelledPromptFileTest {

    @TempDir
    Path dir;

    private Path file(String text) throws Exception {
        return Files.writeString(dir.resolve("p.jsonl"), text);
    }

    @Test
    void readsRows_skipsBlankLines_acceptsZeroOne_andAMissingSource() throws Exception {
        var rows = LabelledPromptFile.read(file("""
                {"prompt": "a", "weak_correct": true, "strong_correct": false, "source": "mmlu/anatomy"}

                {"prompt": "b", "weak_correct": 0, "strong_correct": 1}
                """));
        assertThat(rows).containsExactly(new LabelledPrompt("a", true, false, "mmlu/anatomy"), new LabelledPrompt("b", false, true, ""));
        assertThat(rows.get(0).group()).isEqualTo("mmlu");
        assertThat(rows.get(1).gain()).isEqualTo(1);
    }

    @Test
    void badLines_nameTheFileLineAndField() throws Exception {
        Path p = file("{\"prompt\": \"a\", \"weak_correct\": true, \"strong_correct\": true}\n{\"prompt\": \"b\", \"weak_correct\": \"yes\", \"strong_correct\": true}\n");
        assertThatThrownBy(() -> LabelledPromptFile.read(p)).isInstanceOf(RouterDataException.class)
                .hasMessage(p + ":2: weak_correct: \"yes\" (expected: true or false)");
        Path missing = file("{\"weak_correct\": true, \"strong_correct\": true}\n");
        assertThatThrownBy(() -> LabelledPromptFile.read(missing)).hasMessage(missing + ":1: prompt: missing (expected: a string)");
        Path broken = file("{\"prompt\": \"a\",\n");
        assertThatThrownBy(() -> LabelledPromptFile.read(broken)).hasMessageStartingWith(broken + ":1: not valid JSON");
        Path array = file("[1, 2]\n");
        assertThatThrownBy(() -> LabelledPromptFile.read(array)).hasMessageContaining(":1: expected a JSON object");
        Path empty = file("\n\n");
        assertThatThrownBy(() -> LabelledPromptFile.read(empty)).hasMessageContaining("no labelled prompts");
        assertThatThrownBy(() -> LabelledPromptFile.read(dir.resolve("nope.jsonl"))).hasMessage(dir.resolve("nope.jsonl") + ": no such file");
    }

    @Test
    void invalidUtf8_isReportedWithItsLine() throws Exception {
        Path p = dir.resolve("bad.jsonl");
        byte[] good = "{\"prompt\": \"a\", \"weak_correct\": true, \"strong_correct\": true}\n".getBytes();
        byte[] bad = {'{', '"', 'p', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}', '\n'};
        Files.write(p, concat(good, bad));
        assertThatThrownBy(() -> LabelledPromptFile.read(p)).hasMessageContaining("not valid UTF-8");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
