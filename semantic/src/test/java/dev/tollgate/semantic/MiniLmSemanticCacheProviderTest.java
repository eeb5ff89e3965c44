package dev.tollgate.semantic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.cli.TollgateCli;
import dev.tollgate.model.ChatRequest;
import dev.tollgate.model.Message;
import dev.tollgate.model.Role;
import dev.tollgate.policy.cache.semantic.SemanticCacheProvider;
import dev.tollgate.policy.cache.semantic.SemanticIndex;
import dev.tollgate.policy.cache.semantic.SemanticIndexOptions;
import dev.tollgate.policy.cache.semantic.SemanticNamespace;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.json.JsonMapper;

/** The module as the gateway finds it: through ServiceLoader, with chat requests, and behind {@code tollgate cache eval}. */
class MiniLmSemanticCacheProviderTest {

    @Test
    void theGatewayFindsTheModule_andItsIndexTakesChatRequests() {
        SemanticCacheProvider provider = SemanticCacheProvider.load().orElseThrow();
        assertThat(provider).isInstanceOf(MiniLmSemanticCacheProvider.class);
        SemanticNamespace ns = new SemanticNamespace("acme", "gpt-4o-mini", "");
        try (SemanticIndex index = provider.open(SemanticIndexOptions.defaults())) {
            index.put(ns, chat("How do I reset my password?"), "stored".getBytes(StandardCharsets.UTF_8));
            assertThat(index.lookup(ns, chat("How can I reset my password?"))).isPresent();
            assertThat(index.lookup(ns, chat("How can I change my username?"))).isEmpty();
        }
    }

    @Test
    void cacheEval_printsPrecisionRecallAndF1_overallAndPerSrc(@TempDir Path dir) throws Exception {
        Path pairs = Files.writeString(dir.resolve("pairs.jsonl"), """
                {"a": "How do I reset my password?", "b": "How can I reset my password?", "same": true, "src": "mine"}
                {"a": "How do I learn Python?", "b": "How do I learn Java?", "same": false, "src": "mine"}
                {"a": "What is the capital of France?", "b": "What's the capital of France?", "same": true, "src": "theirs"}
                {"a": "What is 15% of 240?", "b": "What is 15% of 250?", "same": false, "src": "theirs"}
                """);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        int code;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            code = new CommandLine(new TollgateCli()).execute("cache", "eval", pairs.toString(), "--strictness", "lenient");
        } finally {
            System.setOut(saved);
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as(printed).isZero();
        assertThat(printed).contains("strictness lenient").contains("(4 pairs)");
        assertThat(printed).containsPattern("all +precision 1\\.000  recall 1\\.000  F1 1\\.000  \\(4 pairs: 2 hits, 0 wrong\\)");
        assertThat(printed).containsPattern("mine +precision 1\\.000  recall 1\\.000");
        assertThat(printed).containsPattern("theirs +precision 1\\.000  recall 1\\.000");
        assertThat(printed).contains("plain cosine at the same recall");
    }

    private static ChatRequest chat(String prompt) {
        return new ChatRequest(Optional.of("gpt-4o-mini"), false, false, Optional.empty(),
                List.of(Message.text(Role.SYSTEM, "You are helpful."), Message.text(Role.USER, prompt)), List.of(),
                JsonMapper.builder().build().createObjectNode());
    }
}
