package dev.tollgate.bench;

import dev.tollgate.api.openai.OpenAiChatParser;
import dev.tollgate.config.ProviderKind;
import dev.tollgate.model.ChatRequest;
import dev.tollgate.model.Usage;
import dev.tollgate.usage.PriceTable;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import tools.jackson.databind.json.JsonMapper;

/**
 * The per-request CPU of the gateway's own work on the hot path, apart from HTTP: parsing and
 * validating a chat request, and pricing its usage. Run with {@code bench/run-jmh.sh}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RequestParsingBenchmark {

    private static final byte[] SMALL = """
            {"model":"gpt-4o-mini","messages":[{"role":"user","content":"Say this is a test."}],"max_tokens":16}
            """.getBytes(StandardCharsets.UTF_8);
    private static final byte[] CONVERSATION = ("{\"model\":\"gpt-4o\",\"temperature\":0.2,\"messages\":["
            + "{\"role\":\"system\",\"content\":\"You are a helpful assistant that answers briefly.\"},"
            + "{\"role\":\"user\",\"content\":\"" + "Explain token budgets. ".repeat(40) + "\"},"
            + "{\"role\":\"assistant\",\"content\":\"" + "Budgets cap spend. ".repeat(40) + "\"},"
            + "{\"role\":\"user\",\"content\":\"And reservations?\"}],"
            + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"lookup\",\"parameters\":{\"type\":\"object\"}}}]}")
            .getBytes(StandardCharsets.UTF_8);

    private final JsonMapper json = JsonMapper.builder().build();
    private final OpenAiChatParser parser = new OpenAiChatParser(json);
    private final PriceTable prices = PriceTable.bundled(json);
    private final Usage usage = new Usage(1200, 300, 1024, 0, false);

    @Benchmark
    public ChatRequest parseSmallRequest() {
        return parser.parse(SMALL);
    }

    @Benchmark
    public ChatRequest parseConversationWithTools() {
        return parser.parse(CONVERSATION);
    }

    @Benchmark
    public PriceTable.Cost priceUsage() {
        return prices.cost(ProviderKind.OPENAI, "gpt-4o-mini", usage);
    }
}
