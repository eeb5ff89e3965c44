package dev.tollgate.api.anthropic;

import dev.tollgate.api.ProxyRoute;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.pipeline.Answer;
import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.pipeline.StreamEncoder;
import java.io.OutputStream;
import tools.jackson.databind.json.JsonMapper;

/**
 * Anthropic's Messages dialect: an Anthropic upstream's answer is passed through as it came (thinking,
 * citations, {@code stop_sequence} intact); an answer in the gateway's inner shape becomes an Anthropic
 * {@code message} or event stream; errors are Anthropic's error object, typed by status.
 */
final class AnthropicDialect implements ProxyRoute.Dialect {

    private final AnthropicErrors errors;
    private final AnthropicResponseWriter messages;
    private final JsonMapper json;

    AnthropicDialect(JsonMapper json) {
        this.errors = new AnthropicErrors(json);
        this.messages = new AnthropicResponseWriter(json);
        this.json = json;
    }

    @Override
    public byte[] errorBody(GatewayException e) {
        return errors.body(e);
    }

    @Override
    public byte[] whole(Answer.Whole answer, UsageEvent settled) {
        return switch (answer.wire()) {
            case ANTHROPIC -> answer.body();
            case OPENAI -> messages.message(answer.body(), answer.usage(), ProxyRoute.Dialect.answeringModel(answer));
            case RESPONSES -> throw notPassedThroughHere();
        };
    }

    @Override
    public StreamEncoder stream(Answer.Streamed answer, OutputStream out) {
        return switch (answer.wire()) {
            case ANTHROPIC -> new AnthropicPassthroughEncoder(out, errors);
            case OPENAI -> new AnthropicEventEncoder(out, answer::usageSoFar, ProxyRoute.Dialect.answeringModel(answer), errors, json);
            case RESPONSES -> throw notPassedThroughHere();
        };
    }

    /** Only a Responses API request is passed through as one, and it never arrives here. */
    private static IllegalStateException notPassedThroughHere() {
        return new IllegalStateException("a Responses API answer cannot be written to an Anthropic Messages client");
    }
}
