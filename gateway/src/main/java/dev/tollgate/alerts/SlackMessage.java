package dev.tollgate.alerts;

import dev.tollgate.model.Alert;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The webhook body: Slack's incoming-webhook shape ({@code {"text": "..."}}, which Slack, Mattermost,
 * Discord's {@code /slack} endpoint and most chat tools accept) plus the alert as structured fields under
 * {@code alert} for other receivers. Carries no credentials: alerts hold only names, figures and scopes.
 */
final class SlackMessage {

    private SlackMessage() {
    }

    static byte[] body(JsonMapper json, Alert a) {
        ObjectNode root = json.createObjectNode();
        root.put("text", icon(a) + " Tollgate " + a.level() + " (" + a.type() + "): " + a.message());
        root.set("alert", AlertJson.node(json, a));
        return json.writeValueAsBytes(root);
    }

    private static String icon(Alert a) {
        return switch (a.level()) {
            case "emergency" -> ":rotating_light:";
            case "critical" -> ":red_circle:";
            default -> ":warning:";
        };
    }
}
