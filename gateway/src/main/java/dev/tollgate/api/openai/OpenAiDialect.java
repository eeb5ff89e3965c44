package dev.tollgate.api.openai;

import dev.tollgate.api.ProxyRoute;
import dev.tollgate.model.ChatRequest;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.pipeline.Answer;
import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.pipeline.StreamEncoder;
import dev.tollgate.provider.Wire;
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
        requireOpenAi(answer.wire());
        return answer.body();
    }

    @Override
    public StreamEncoder stream(Answer.Streamed answer, OutputStream out) {
        requireOpenAi(answer.wire());
        boolean wantsUsage = answer.ctx().request().map(r -> r instanceof ChatRequest chat && chat.clientWantsUsage()).orElse(false);
        return new OpenAiSseEncoder(out, wantsUsage, errors);
    }

    /** Only an Anthropic client's call is ever answered in Anthropic's shape; anything else here is a fault of the gateway. */
    private static void requireOpenAi(Wire wire) {
        if (wire != Wire.OPENAI) {
            throw new IllegalStateException("an answer in " + wire + "'s shape cannot be written to an OpenAI client");
        }
    }
}
