package dev.tollgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.policy.cache.semantic.SemanticCacheProvider;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code tollgate cache eval} in the gateway alone, where the semantic module is not on the class path. */
class CacheCommandTest {

    @Test
    void withoutTheSemanticModule_saysSoInOneLine_andExits2(@TempDir Path dir) throws Exception {
        assertThat(SemanticCacheProvider.load()).isEmpty();
        Path pairs = Files.writeString(dir.resolve("pairs.jsonl"), "{\"a\":\"x\",\"b\":\"y\",\"same\":true}\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream saved = System.err;
        int code;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            code = new CommandLine(new TollgateCli()).execute("cache", "eval", pairs.toString());
        } finally {
            System.setErr(saved);
        }
        assertThat(code).isEqualTo(2);
        // Jazzer's agent (the fuzz tests share this JVM) reports each class it instruments on stderr.
        assertThat(err.toString(StandardCharsets.UTF_8).lines().filter(l -> !l.startsWith("INFO: Instrumented ")).toList())
                .singleElement().asString()
                .startsWith("tollgate cache eval: the semantic cache module is not on the class path");
    }

    @Test
    void anUnknownStrictness_isRefusedByName() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream saved = System.err;
        int code;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            code = new CommandLine(new TollgateCli()).execute("cache", "eval", "x.jsonl", "--strictness", "loose");
        } finally {
            System.setErr(saved);
        }
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--strictness loose (expected: strict, balanced or lenient)");
    }
}
