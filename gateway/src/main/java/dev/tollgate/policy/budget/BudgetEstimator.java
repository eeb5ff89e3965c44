package dev.tollgate.policy.budget;

import dev.tollgate.config.BudgetRuleConfig.Metric;
import dev.tollgate.model.CanonicalRequest;
import dev.tollgate.model.ChatRequest;
import dev.tollgate.model.ContentPart;
import dev.tollgate.model.EmbeddingRequest;
import dev.tollgate.model.Message;
import dev.tollgate.model.ToolDefinition;
import dev.tollgate.model.Usage;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.provider.Deployment;
import dev.tollgate.usage.PriceTable;
import dev.tollgate.usage.TokenCounter;
import java.util.OptionalInt;

/**
 * The worst case of a call, reserved before it runs, and the actual amounts it settles with. The worst
 * case is the prompt as Tollgate counts it plus {@code max_tokens} (or the model's output limit from the
 * price map, or {@value #DEFAULT_MAX_OUTPUT} when the map does not know the model; for an upstream whose adapter
 * must send {@code max_tokens} (Anthropic) at most the kind's default it sends), priced like a real call.
 * The prompt count is Tollgate's (OpenAI's tokenizers), with tool schemas and each image at its largest
 * size; since the upstream's tokenizer may count more, the prompt is reserved at the deployment's
 * {@link PromptCorrection} upper bound, learned from what it billed. Settling releases the reservation
 * to the billed amounts.
 */
public final class BudgetEstimator implements dev.tollgate.policy.routing.CostPredictor {

    static final int DEFAULT_MAX_OUTPUT = 4_096;
    /**
     * The most one image may cost (Anthropic's largest image, ~1.15 megapixels, is ~1,600 tokens; OpenAI's
     * high detail and Gemini's tiles stay under that); the token counter, not knowing the size, counts 85.
     */
    static final int IMAGE_UPPER_BOUND = 1_600;
    private static final int IMAGE_COUNTED = 85;

    private final TokenCounter tokens;
    private final PriceTable prices;
    private final PromptCorrection correction = new PromptCorrection();

    public BudgetEstimator(TokenCounter tokens, PriceTable prices) {
        this.tokens = tokens;
        this.prices = prices;
    }

    /** Tokens of the prompt's messages, counted once per call (shared with the rate limits and the cost prediction). */
    @Override
    public long promptTokens(String org, CanonicalRequest request, String model) {
        return switch (request) {
            case ChatRequest chat -> tokens.countPrompt(org, model, chat.messages());
            case EmbeddingRequest embedding -> {
                long sum = 0;
                for (String input : embedding.inputs()) {
                    sum += tokens.count(model, input);
                }
                yield sum;
            }
        };
    }

    /** What the upstream bills beyond the messages' count: tool schemas, and each image at its largest size. */
    long extras(CanonicalRequest request, String model) {
        return request instanceof ChatRequest chat ? images(chat) * (IMAGE_UPPER_BOUND - IMAGE_COUNTED) + toolSchemas(chat, model) : 0;
    }

    private static long images(ChatRequest chat) {
        long n = 0;
        for (Message m : chat.messages()) {
            for (ContentPart part : m.content()) {
                n += part instanceof ContentPart.Image ? 1 : 0;
            }
        }
        return n;
    }

    /** Tool definitions are part of the prompt the upstream bills. */
    private long toolSchemas(ChatRequest chat, String model) {
        long sum = 0;
        for (ToolDefinition tool : chat.tools()) {
            sum += tokens.count(model, tool.name()) + tokens.count(model, tool.description()) + tokens.count(model, tool.parametersJson());
        }
        return sum;
    }

    /** {@code counted} billed on {@code target}: what the deployment's prompt ratio learns from. */
    void observe(Deployment target, long counted, Usage billed) {
        correction.observe(target, counted, billed);
    }

    /** The most output {@code request} may produce on {@code target}. */
    @Override
    public long maxOutput(CanonicalRequest request, Deployment target) {
        if (!(request instanceof ChatRequest chat)) {
            return 0;
        }
        if (chat.maxTokens().isPresent()) {
            return chat.maxTokens().get();
        }
        long modelLimit = prices.find(target.provider().kind(), target.upstreamModel())
                .map(PriceTable.ModelPrice::maxOutputTokens).filter(n -> n > 0).orElse(DEFAULT_MAX_OUTPUT);
        // An adapter that must send max_tokens (Anthropic's) sends its kind's default: no more can come back.
        OptionalInt sent = target.provider().kind().defaultMaxTokens();
        return sent.isPresent() ? Math.min(modelLimit, sent.getAsInt()) : modelLimit;
    }

    @Override
    public PriceTable.Cost worstCase(CanonicalRequest request, long prompt, Deployment target) {
        return prices.cost(target.provider().kind(), target.providerName(), target.upstreamModel(),
                new Usage(prompt, maxOutput(request, target), 0, 0, true));
    }

    /** The worst case of one call on {@code target}, in {@code metric}'s unit. */
    long reserve(Metric metric, long counted, long maxOutput, Deployment target) {
        long prompt = correction.upperBound(counted, target);
        return switch (metric) {
            case TOKENS -> prompt + maxOutput;
            case INPUT_TOKENS -> prompt;
            case OUTPUT_TOKENS -> maxOutput;
            case REQUESTS -> 1;
            case COST_USD -> micros(prices.cost(target.provider().kind(), target.providerName(), target.upstreamModel(),
                    new Usage(prompt, maxOutput, 0, 0, true)).usd());
        };
    }

    /** What a finished call counts, in {@code metric}'s unit; a request counts when it succeeded. */
    static long actual(Metric metric, UsageEvent event) {
        Usage u = event.usage();
        return switch (metric) {
            case TOKENS -> u.totalTokens();
            case INPUT_TOKENS -> u.inputTokens();
            case OUTPUT_TOKENS -> u.outputTokens();
            case REQUESTS -> succeeded(event) ? 1 : 0;
            case COST_USD -> micros(event.costUsd());
        };
    }

    static boolean succeeded(UsageEvent event) {
        return event.status() >= 200 && event.status() < 300 && event.errorCode() == null;
    }

    static long micros(double usd) {
        return Math.round(usd * 1_000_000);
    }
}
