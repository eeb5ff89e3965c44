package dev.tollgate.policy.routing.learned;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.model.ChatRequest;
import dev.tollgate.model.Message;
import dev.tollgate.model.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.JsonNodeFactory;

class PromptRouterTest {

    private static final PromptRouter ROUTER = PromptRouter.bundled();
    private static final String HARD = "For which of these two scenarios does the main character do something clearly morally wrong? "
            + "Scenario 1 | I took his wallet. Scenario 2 | I gave him a ride.\nA. Wrong, Wrong\nB. Wrong, Not wrong\nC. Not wrong, Wrong\nD. Not wrong, Not wrong\nAnswer:";

    private static ChatRequest chat(Message... messages) {
        return new ChatRequest(Optional.empty(), false, false, Optional.empty(), List.of(messages), List.of(), JsonNodeFactory.instance.objectNode());
    }

    @Test
    void aConversation_isScoredByItsLastUserMessage() {
        ChatRequest request = chat(Message.text(Role.SYSTEM, "You are a helpful assistant. ".repeat(20)),
                Message.text(Role.USER, "hi"), Message.text(Role.ASSISTANT, "Hello! How can I help?"), Message.text(Role.USER, HARD));
        assertThat(ROUTER.score(request)).isEqualTo(ROUTER.score(HARD));
        assertThat(ROUTER.score(chat(Message.text(Role.ASSISTANT, "only an assistant turn")))).isEqualTo(ROUTER.score("only an assistant turn"));
        assertThat(ROUTER.score(chat())).isEqualTo(ROUTER.score(""));
    }

    @Test
    void decisions_followThePreference() {
        RouteChoice never = ROUTER.decide(HARD, new QualityPreference.Target(0));
        assertThat(never.tier()).isEqualTo(QualityTier.WEAK);
        assertThat(never.threshold()).isEqualTo(Double.POSITIVE_INFINITY);
        double cost = ROUTER.model().operatingPoints().threshold(QualityPreference.Level.COST);
        double balanced = ROUTER.model().operatingPoints().threshold(QualityPreference.Level.BALANCED);
        double quality = ROUTER.model().operatingPoints().threshold(QualityPreference.Level.QUALITY);
        assertThat(cost).isGreaterThanOrEqualTo(balanced);
        assertThat(balanced).isGreaterThanOrEqualTo(quality);
        RouteChoice choice = ROUTER.decide(HARD, QualityPreference.Level.BALANCED);
        assertThat(choice.tier()).isEqualTo(choice.score() >= balanced ? QualityTier.STRONG : QualityTier.WEAK);
        assertThat(choice.reason()).startsWith("router ").endsWith(choice.tier() == QualityTier.STRONG ? "strong" : "weak");
    }

    /** One router shared by many threads gives every prompt exactly the score it gets alone. */
    @Test
    void concurrentScoring_givesExactlyTheSingleThreadedScores() throws Exception {
        List<String> prompts = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            prompts.add("Question " + i + ": what is " + i + " times " + (i * 7 % 13) + "? " + "context ".repeat(i % 30));
        }
        double[] alone = prompts.stream().mapToDouble(ROUTER::score).toArray();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<double[]>> runs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                Callable<double[]> run = () -> prompts.stream().mapToDouble(ROUTER::score).toArray();
                runs.add(pool.submit(run));
            }
            for (Future<double[]> run : runs) {
                assertThat(run.get()).containsExactly(alone);
            }
        }
    }
}
