package dev.tollgate.policy.cache.semantic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.model.ChatRequest;
import dev.tollgate.model.ContentPart;
import dev.tollgate.model.Message;
import dev.tollgate.model.Role;
import dev.tollgate.model.ToolCall;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class SemanticTextTest {

    private static ChatRequest chat(Message... messages) {
        return new ChatRequest(Optional.of("gpt-4o-mini"), false, false, Optional.empty(), List.of(messages), List.of(),
                JsonMapper.builder().build().createObjectNode());
    }

    @Test
    void aSinglePrompt_hasNoContext() {
        assertThat(SemanticText.of(chat(Message.text(Role.USER, "Hello there")))).contains(SemanticText.of("Hello there"));
    }

    @Test
    void theContext_isEverythingBeforeTheLastUserMessage_roleByRole() {
        Message call = new Message(Role.ASSISTANT, List.of(), List.of(new ToolCall("c1", "weather", "{\"city\":\"Oslo\"}")), null, null);
        Message result = new Message(Role.TOOL, List.of(new ContentPart.Text("-3 C")), List.of(), "c1", null);
        SemanticText text = SemanticText.of(chat(Message.text(Role.SYSTEM, "Be brief."), Message.text(Role.USER, "Weather in Oslo?"),
                call, result, Message.text(Role.ASSISTANT, "It is -3 C."), Message.text(Role.USER, "And tomorrow?"))).orElseThrow();

        assertThat(text.prompt()).isEqualTo("And tomorrow?");
        assertThat(text.context()).isEqualTo("""
                system: Be brief.
                user: Weather in Oslo?
                assistant:  [calls weather {"city":"Oslo"}]
                tool: -3 C
                assistant: It is -3 C.
                """);
    }

    @Test
    void conversationsTheTextCannotCapture_areNotComparedAtAll() {
        Message image = new Message(Role.USER, List.of(new ContentPart.Text("What is this?"), new ContentPart.Image("https://x/y.png", null)),
                List.of(), null, null);
        Message toolLast = new Message(Role.TOOL, List.of(new ContentPart.Text("42")), List.of(), "c1", null);

        assertThat(SemanticText.of(chat(image))).isEmpty();
        assertThat(SemanticText.of(chat(Message.text(Role.USER, "Hi"), toolLast))).isEmpty();
        assertThat(SemanticText.of(chat(Message.text(Role.USER, "  ")))).isEmpty();
        assertThat(SemanticText.of(chat())).isEmpty();
    }

    @Test
    void namespaces_sayWhatIsMissing() {
        assertThatThrownBy(() -> new SemanticNamespace("", "m", "")).hasMessage("org: empty (expected: a non-empty string)");
        assertThatThrownBy(() -> new SemanticNamespace("o", null, "")).hasMessage("model: null (expected: a non-empty string)");
        assertThat(new SemanticNamespace("o", "m", "k")).isEqualTo(new SemanticNamespace("o", "m", "k"));
    }

    @Test
    void pairScores_countPrecisionAndRecall() {
        PairScore s = PairScore.EMPTY.add(true, true).add(true, true).add(true, false).add(false, true).add(false, false);
        assertThat(s.precision()).isEqualTo(2 / 3.0);
        assertThat(s.recall()).isEqualTo(2 / 3.0);
        assertThat(s.f1()).isEqualTo(2 / 3.0, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(s.summary()).isEqualTo("precision 0.667  recall 0.667  F1 0.667  (5 pairs: 3 hits, 1 wrong)");
        assertThat(PairScore.EMPTY.precision()).isEqualTo(1);
    }

    @Test
    void atRecall_findsTheHighestThresholdThatReachesIt_tiesIncluded() {
        double[] cosines = {0.99, 0.95, 0.95, 0.90, 0.80, 0.70};
        boolean[] same = {true, false, true, true, false, true};
        PairScore.AtThreshold half = PairScore.atRecall(cosines, same, 0.5).orElseThrow();
        assertThat(half.threshold()).isEqualTo(0.95);
        assertThat(half.score()).isEqualTo(new PairScore(2, 1, 2, 1));
        assertThat(PairScore.atRecall(cosines, same, 1.0).orElseThrow().threshold()).isEqualTo(0.70);
        assertThat(PairScore.atRecall(cosines, new boolean[6], 0.5)).isEmpty();
    }
}
