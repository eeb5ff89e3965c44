package dev.tollgate.api;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * {@code GET /openapi.json}: the OpenAPI 3.1 description of every route in the {@link RouteTable},
 * generated from the declarations (so it cannot drift from what is served), with the OpenAI-compatible
 * routes' schemas from OpenAI's published description ({@code openapi/openai-schemas.yaml}) and the
 * hand-written ones of the native routes. Built once, on the first request (the table is complete by
 * then), and served from memory. Open without a key.
 */
public final class OpenApiDocument {

    private static final String OPENAI_SCHEMAS = "dev/tollgate/api/openapi/openai-schemas.yaml";
    private static final Map<Integer, String> STATUS_WORDS = Map.ofEntries(
            Map.entry(400, "Bad input: malformed JSON, a wrong type, a value out of range (the message names the field)"),
            Map.entry(401, "No API key, or one Tollgate does not know"),
            Map.entry(403, "The key lacks the route's scope, the model, or another org's data"),
            Map.entry(404, "No such model, resource or route"),
            Map.entry(409, "Conflicts with what exists"),
            Map.entry(413, "The body is larger than server.max_body_bytes"),
            Map.entry(429, "A rate limit or budget is exhausted (Retry-After says when to retry, where waiting helps)"),
            Map.entry(502, "The upstream failed or answered badly, after every fallback"),
            Map.entry(503, "Not ready, or every upstream is unavailable"),
            Map.entry(504, "The upstream did not answer in time, after every fallback"));

    private final RouteTable table;
    private final JsonMapper json;
    private final String version;
    private volatile byte[] body;

    public OpenApiDocument(RouteTable table, JsonMapper json, String version) {
        this.table = table;
        this.json = json;
        this.version = version;
    }

    public void serve(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(bytes());
    }

    private byte[] bytes() {
        byte[] b = body;
        if (b == null) {
            b = json.writeValueAsBytes(build());
            body = b;
        }
        return b;
    }

    /** The document as a tree. */
    public ObjectNode build() {
        ObjectNode doc = json.createObjectNode();
        doc.put("openapi", "3.1.0");
        doc.putObject("info").put("title", "Tollgate").put("version", version)
                .put("description", "A self-hosted LLM gateway: OpenAI- and Anthropic-compatible proxy routes, usage analytics, "
                        + "keys, budgets and alerts. Keys go in `Authorization: Bearer KEY` (or `x-api-key: KEY`); each operation "
                        + "names the scope its key needs in x-tollgate-scope.");
        doc.putArray("servers").addObject().put("url", "/");
        ObjectNode paths = doc.putObject("paths");
        Set<String> tags = new LinkedHashSet<>();
        for (RouteTable.Route route : table.routes()) {
            ObjectNode item = paths.has(route.documentedPath()) ? (ObjectNode) paths.get(route.documentedPath())
                    : paths.putObject(route.documentedPath());
            item.set(route.method().text().toLowerCase(Locale.ROOT), operation(route));
            if (!route.tag().isEmpty()) {
                tags.add(route.tag());
            }
        }
        ArrayNode tagList = doc.putArray("tags");
        tags.forEach(t -> tagList.addObject().put("name", t));
        ObjectNode components = doc.putObject("components");
        ObjectNode schemas = components.putObject("schemas");
        openAiSchemas().properties().forEach(e -> schemas.set(e.getKey(), e.getValue()));
        table.schemas().forEach(schemas::set);
        ObjectNode security = components.putObject("securitySchemes");
        security.putObject("bearer").put("type", "http").put("scheme", "bearer")
                .put("description", "A Tollgate key (or the master key) as Authorization: Bearer KEY");
        security.putObject("apiKey").put("type", "apiKey").put("in", "header").put("name", "x-api-key")
                .put("description", "The same key as Anthropic's SDKs send it");
        return doc;
    }

    private ObjectNode operation(RouteTable.Route route) {
        ObjectNode op = json.createObjectNode();
        op.put("operationId", operationId(route));
        op.put("summary", route.summary());
        if (!route.description().isEmpty()) {
            op.put("description", route.description());
        }
        if (!route.tag().isEmpty()) {
            op.putArray("tags").add(route.tag());
        }
        ArrayNode params = json.createArrayNode();
        for (RouteTable.Param p : route.params()) {
            ObjectNode n = params.addObject().put("name", p.name()).put("in", p.in().name().toLowerCase(Locale.ROOT))
                    .put("description", p.description()).put("required", p.required());
            n.set("schema", p.schema());
        }
        if (route.path().endsWith("/*")) {
            params.addObject().put("name", "path").put("in", "path").put("required", true)
                    .put("description", "the rest of the path").putObject("schema").put("type", "string");
        }
        if (!params.isEmpty()) {
            op.set("parameters", params);
        }
        route.requestSchema().ifPresent(schema -> op.putObject("requestBody").put("required", true).putObject("content")
                .putObject("application/json").set("schema", ref(schema)));
        ObjectNode responses = op.putObject("responses");
        for (RouteTable.Reply reply : route.replies()) {
            String status = Integer.toString(reply.status());
            // A second reply of one status adds a content type (a chat completion's JSON, or its event stream).
            ObjectNode r = responses.has(status) ? (ObjectNode) responses.get(status)
                    : responses.putObject(status).put("description", reply.description());
            if (reply.contentType().isEmpty()) {
                continue;
            }
            ObjectNode content = r.has("content") ? (ObjectNode) r.get("content") : r.putObject("content");
            ObjectNode media = content.putObject(reply.contentType());
            reply.schema().ifPresent(s -> media.set("schema", ref(s)));
        }
        String errorSchema = route.errorDialect() == RouteTable.ErrorDialect.ANTHROPIC ? "AnthropicErrorResponse" : "ErrorResponse";
        for (int status : route.errors()) {
            responses.putObject(Integer.toString(status)).put("description", STATUS_WORDS.getOrDefault(status, "An error"))
                    .putObject("content").putObject("application/json").set("schema", ref(errorSchema));
        }
        ArrayNode security = op.putArray("security");
        if (route.scope().isPresent()) {
            security.addObject().putArray("bearer");
            security.addObject().putArray("apiKey");
            op.put("x-tollgate-scope", route.scope().get().name().toLowerCase(Locale.ROOT));
        }
        return op;
    }

    private JsonNode ref(String schema) {
        return json.createObjectNode().put("$ref", "#/components/schemas/" + schema);
    }

    /** {@code get_analytics_breakdown}, {@code post_governance_api_keys_id_revoke}: unique per method and path. */
    static String operationId(RouteTable.Route route) {
        String path = route.documentedPath().replaceAll("[{}]", "").replaceAll("[^A-Za-z0-9]+", "_").replaceAll("^_|_$", "");
        return route.method().text().toLowerCase(Locale.ROOT) + "_" + (path.isEmpty() ? "root" : path);
    }

    private static ObjectNode openAiSchemas() {
        try (InputStream in = OpenApiDocument.class.getClassLoader().getResourceAsStream(OPENAI_SCHEMAS)) {
            if (in == null) {
                throw new IllegalStateException(OPENAI_SCHEMAS + " is missing from the class path");
            }
            return (ObjectNode) YAMLMapper.builder().build().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
