package dev.tollgate.pipeline;

import dev.tollgate.model.UsageEvent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records what the pipeline told its listeners. */
public final class RecordingListener implements PipelineListener {

    public final List<UsageEvent> completed = new CopyOnWriteArrayList<>();
    public final List<GatewayException> refused = new CopyOnWriteArrayList<>();
    public final List<String> log = new CopyOnWriteArrayList<>();

    @Override
    public void refused(RequestContext ctx, GatewayException refusal) {
        refused.add(refusal);
        log.add("refused " + refusal.status());
    }

    @Override
    public void upstreamAttempt(RequestContext ctx, dev.tollgate.provider.Deployment deployment) {
        log.add("attempt " + deployment.providerName());
    }

    @Override
    public void upstreamFailed(RequestContext ctx, dev.tollgate.provider.Deployment deployment, dev.tollgate.provider.UpstreamException failure) {
        log.add("failed " + deployment.providerName());
    }

    @Override
    public void firstToken(RequestContext ctx) {
        log.add("first token");
    }

    @Override
    public void completed(UsageEvent event) {
        completed.add(event);
        log.add("completed " + event.status());
    }
}
