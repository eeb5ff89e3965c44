package dev.tollgate.bench;

import dev.tollgate.model.ContentPart;
import dev.tollgate.model.Message;
import dev.tollgate.model.Role;
import dev.tollgate.usage.TokenCounter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
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
 * The prompt's token estimate of one call, as the rate limits and budgets make it: a system prompt and a
 * conversation of {@code turns} messages. {@code counted} puts every text through the tokenizer (what each call paid before the
 * counts were remembered, and what a text seen for the first time still pays); {@code remembered} is the same call again,
 * its texts arriving as new strings as a parsed request's do. Run with {@code bench/run-jmh.sh PromptEstimate}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PromptEstimateBenchmark {

    @Param({"1", "20"})
    int turns;

    private final TokenCounter remembering = new TokenCounter();
    private List<String> texts;

    @Setup
    public void conversation() {
        texts = new ArrayList<>();
        texts.add("You are a support assistant for a billing product. Answer briefly, cite the relevant plan, and never "
                + "promise refunds; hand those to a human. ".repeat(8));
        for (int i = 0; i < turns; i++) {
            texts.add((i % 2 == 0 ? "Question " + i + ": how are tokens counted for invoice line " + i + "? "
                    : "Answer " + i + ": each invoice line sums the prompt and completion tokens of its calls. ").repeat(6));
        }
        remembering.countPrompt("org", "gpt-4o", messages());
    }

    /** The texts as a parsed request brings them: equal strings decoded anew, their hashes not yet computed. */
    private List<Message> messages() {
        List<Message> out = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            Role role = i == 0 ? Role.SYSTEM : i % 2 == 1 ? Role.USER : Role.ASSISTANT;
            String decoded = new String(texts.get(i).getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
            out.add(new Message(role, List.of(new ContentPart.Text(decoded)), List.of(), null, null));
        }
        return out;
    }

    /** Every text through the tokenizer ({@link TokenCounter#count} remembers nothing): the byte-pair work of an unremembered prompt. */
    @Benchmark
    public int counted() {
        int total = 0;
        for (Message m : messages()) {
            total += remembering.count("gpt-4o", ((ContentPart.Text) m.content().getFirst()).text());
        }
        return total;
    }

    @Benchmark
    public int remembered() {
        return remembering.countPrompt("org", "gpt-4o", messages());
    }
}
