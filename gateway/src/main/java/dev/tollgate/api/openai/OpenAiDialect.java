package dev.tollgate.api.openai;

import dev.tollgate.api.ProxyRoute;
import dev.tollgate.model.ChatRequest;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.pipeline.Answer;
import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.pipeline.StreamEncoder;
import java.io.OutputStream;

/** OpenAI's dialect: answers are already in its shape (the gateway's inner one), errors in its error object. */
final class OpenAiDialect implements ProxyRoute.Dialect {

    private final OpenAiErrors errors;

    OpenAiDialect(OpenAiErrors errors) {
        this.errors = errors;
    }

    @Override
    public byte[] errorBody(GatewayException e) {
        return errors.body(e);
    }

    @Override
    public byte[] whole(Answer.Whole answer, UsageEvent settled) {
        ProxyRoute.Dialect.requireOpenAi(answer.wire(), "an OpenAI client");
        return answer.body();
    }

    @Override
    public StreamEncoder stream(Answer.Streamed answer, OutputStream out) {
        ProxyRoute.Dialect.requireOpenAi(answer.wire(), "an OpenAI client");
        boolean wantsUsage = answer.ctx().request().map(r -> r instanceof ChatRequest chat && chat.clientWantsUsage()).orElse(false);
        return new OpenAiSseEncoder(out, wantsUsage, errors);
    }
}
