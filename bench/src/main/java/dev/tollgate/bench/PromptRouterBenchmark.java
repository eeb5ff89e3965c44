package dev.tollgate.bench;

import dev.tollgate.policy.routing.learned.PromptRouter;
import dev.tollgate.policy.routing.learned.QualityPreference;
import dev.tollgate.policy.routing.learned.RouteChoice;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The learned prompt router's cost for one prompt with the bundled model: featurizing (hashed word and
 * character n-grams), four logistic heads, the prompt signals and the boosted trees, then the
 * operating-point decision. {@code chat} is a one-line question, {@code mmlu} a multiple-choice exam
 * question (~450 characters), {@code long} a 20,000-character prompt (the featurizer reads the first 2,000).
 * Run with {@code bench/run-jmh.sh PromptRouterBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PromptRouterBenchmark {

    @Param({"chat", "mmlu", "long"})
    public String prompt;

    private PromptRouter router;
    private String text;

    @Setup
    public void setUp() {
        router = PromptRouter.bundled();
        text = switch (prompt) {
            case "chat" -> "What is the capital of Australia?";
            case "mmlu" -> """
                    A 45-year-old man comes to the physician because of a 3-day history of fever and a productive cough. \
                    His temperature is 38.9°C (102°F). Crackles are heard over the right lower lung field. Which of the \
                    following is the most likely causal organism?
                    A. Streptococcus pneumoniae
                    B. Mycoplasma pneumoniae
                    C. Legionella pneumophila
                    D. Haemophilus influenzae
                    Answer:""";
            case "long" -> "The quarterly report says revenue grew 12% while costs rose 7%; explain the margin. ".repeat(240);
            default -> throw new IllegalArgumentException("prompt: " + prompt);
        };
    }

    @Benchmark
    public double score() {
        return router.score(text);
    }

    @Benchmark
    public RouteChoice decideBalanced() {
        return router.decide(text, QualityPreference.Level.BALANCED);
    }
}
