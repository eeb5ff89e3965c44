package dev.tollgate.policy.cache;

import dev.tollgate.pipeline.ContextKey;
import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.pipeline.RequestContext;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One step of a multi-step agent workflow, which the workflow cache tier keys its answers by (with the step's
 * input): from the {@code X-Tollgate-Task} and {@code X-Tollgate-Step} headers on the chat routes, or from a
 * route's own fields ({@code /infer}'s {@code task_id} and {@code step}) through {@link #request}.
 *
 * @param taskId the task (an agent run), up to 128 letters, digits or {@code . _ : -}
 * @param step   the step within it, same alphabet
 */
public record WorkflowStep(String taskId, String step) {

    public static final String TASK_HEADER = "X-Tollgate-Task";
    public static final String STEP_HEADER = "X-Tollgate-Step";

    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final String EXPECTED = "1 to 128 letters, digits or '.', '_', ':', '-'";

    /** What a route asked for, checked when the cache stage runs (so a bad value is a refusal like any other). */
    private record Asked(String taskId, String step, String taskField, String stepField) {
    }

    private static final ContextKey<Asked> ASKED = ContextKey.named("cache.workflow-step");

    /**
     * For a route with its own task and step fields ({@code /infer}): call before {@code Pipeline.execute}. Either
     * may be {@code null}; the cache stage refuses the call with a 400 naming {@code task_id} or {@code step} when
     * only one is given or one is malformed.
     */
    public static void request(RequestContext ctx, String taskId, String step) {
        ctx.put(ASKED, new Asked(taskId, step, "task_id", "step"));
    }

    /** The call's step, from {@link #request} or else the headers; empty when it names none. */
    static Optional<WorkflowStep> of(RequestContext ctx) {
        Asked asked = ctx.get(ASKED).orElseGet(() -> new Asked(ctx.inbound().header(TASK_HEADER).orElse(null),
                ctx.inbound().header(STEP_HEADER).orElse(null), TASK_HEADER, STEP_HEADER));
        if (asked.taskId() == null && asked.step() == null) {
            return Optional.empty();
        }
        if (asked.taskId() == null) {
            throw GatewayException.badRequest(asked.taskField(), asked.taskField() + ": missing (a step is named by "
                    + asked.stepField() + "; expected both, or neither)");
        }
        if (asked.step() == null) {
            throw GatewayException.badRequest(asked.stepField(), asked.stepField() + ": missing (a task is named by "
                    + asked.taskField() + "; expected both, or neither)");
        }
        return Optional.of(new WorkflowStep(token(asked.taskId().strip(), asked.taskField()), token(asked.step().strip(), asked.stepField())));
    }

    private static String token(String value, String field) {
        if (!TOKEN.matcher(value).matches()) {
            throw GatewayException.badRequest(field, field + ": '" + printable(value) + "' (expected: " + EXPECTED + ")");
        }
        return value;
    }

    static String printable(String value) {
        String cut = value.length() > 64 ? value.substring(0, 64) + "…" : value;
        return cut.codePoints().map(c -> c < 0x20 || c == 0x7f ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }
}
