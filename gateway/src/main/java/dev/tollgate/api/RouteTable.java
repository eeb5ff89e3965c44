package dev.tollgate.api;

import dev.tollgate.model.Scope;
import io.helidon.http.Method;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRules;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.MDC;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Every HTTP route of the gateway, each declared once: method, path, the scope a key needs, a summary,
 * its parameters, and references to its body schemas. Helidon's routing is built from this list
 * ({@link #applyTo}) and so is {@code /openapi.json} ({@link OpenApiDocument}), so the two cannot drift.
 *
 * <p>A declaration reads as a sentence and ends with the handler, which registers it:
 * <pre>{@code
 * routes.get("/analytics/forecast").tag("analytics").scope(Scope.ANALYTICS)
 *         .summary("Month-end forecast per agent").answers("Forecast")
 *         .json(endpoint, this::forecast);
 * }</pre>
 * Schemas named by {@code answers} / {@code accepts} are components: hand-written next to their routes
 * with {@link #schema}, or copied from OpenAI's published description ({@code openai-schemas.yaml}).
 * The plain {@code get(path, handler)} forms register a route without documentation; the OpenAPI test
 * fails on such a route, naming it.
 */
public final class RouteTable {

    /** Where a parameter is read from. */
    public enum In { PATH, QUERY, HEADER }

    /** One parameter of a route. */
    public record Param(String name, In in, String description, boolean required, JsonNode schema) {
    }

    /** A documented answer: its status, what it means, and the component schema of its JSON body (or none). */
    public record Reply(int status, String description, Optional<String> schema, String contentType) {
    }

    /** The errors of a route: which statuses it may answer besides its success, in which error dialect. */
    public enum ErrorDialect { OPENAI, ANTHROPIC }

    /** One route as declared. {@code scope} empty: open without a key. */
    public record Route(Method method, String path, Optional<Scope> scope, String tag, String summary, String description,
                        List<Param> params, Optional<String> requestSchema, List<Reply> replies, List<Integer> errors,
                        ErrorDialect errorDialect, Handler handler) {

        /** The path as OpenAPI writes it: Helidon's trailing {@code *} becomes a {@code {path}} parameter. */
        public String documentedPath() {
            return path.endsWith("/*") ? path.substring(0, path.length() - 1) + "{path}" : path;
        }

        public boolean documented() {
            return !summary.isEmpty();
        }
    }

    private static final YAMLMapper YAML = YAMLMapper.builder().build();

    private final List<Route> routes = new ArrayList<>();
    private final Map<String, JsonNode> schemas = new LinkedHashMap<>();

    /** Starts the declaration of {@code GET path}; {@link Declaration#handle} (or {@code json}) adds it. */
    public Declaration get(String path) {
        return new Declaration(Method.GET, path);
    }

    public Declaration post(String path) {
        return new Declaration(Method.POST, path);
    }

    public Declaration put(String path) {
        return new Declaration(Method.PUT, path);
    }

    public Declaration patch(String path) {
        return new Declaration(Method.PATCH, path);
    }

    public Declaration delete(String path) {
        return new Declaration(Method.DELETE, path);
    }

    /** An undocumented route (as Helidon's {@code get(path, handler)}): served, but the OpenAPI test names it. */
    public RouteTable get(String path, Handler handler) {
        return new Declaration(Method.GET, path).handle(handler);
    }

    public RouteTable post(String path, Handler handler) {
        return new Declaration(Method.POST, path).handle(handler);
    }

    /**
     * A component schema, written in YAML (JSON Schema 2020-12 as OpenAPI 3.1 takes it); routes name it in
     * {@code answers} and {@code accepts}, and schemas refer to each other as {@code $ref: '#/components/schemas/Name'}.
     */
    public RouteTable schema(String name, String yaml) {
        if (schemas.containsKey(name)) {
            throw new IllegalStateException("schema " + name + " is declared twice");
        }
        schemas.put(name, YAML.readTree(yaml));
        return this;
    }

    /** Routes in declaration order. */
    public List<Route> routes() {
        return Collections.unmodifiableList(routes);
    }

    /** Hand-written component schemas by name. */
    public Map<String, JsonNode> schemas() {
        return Collections.unmodifiableMap(schemas);
    }

    /**
     * Registers every route with Helidon. Each handler runs with the route's path template in the log
     * context ({@code route} in the MDC), so log lines and the access log name the route, never a raw path.
     */
    public void applyTo(HttpRules rules) {
        for (Route route : routes) {
            String template = route.method().text() + " " + route.documentedPath();
            Handler handler = route.handler();
            rules.route(route.method(), route.path(), (req, res) -> {
                MDC.put(dev.tollgate.pipeline.LogContext.ROUTE, template);
                handler.handle(req, res);
            });
        }
    }

    /** One route being declared; {@link #handle} or {@link #json} adds it to the table. */
    public final class Declaration {

        private final Method method;
        private final String path;
        private Scope scope;
        private String tag = "";
        private String summary = "";
        private String description = "";
        private final List<Param> params = new ArrayList<>();
        private String requestSchema;
        private final List<Reply> replies = new ArrayList<>();
        private final List<Integer> errors = new ArrayList<>();
        private ErrorDialect errorDialect = ErrorDialect.OPENAI;

        private Declaration(Method method, String path) {
            this.method = method;
            this.path = path;
        }

        /** The scope a key needs; without one the route is open (no key). */
        public Declaration scope(Scope needed) {
            this.scope = needed;
            return this;
        }

        /** The group the route is listed under in the document and in {@code /docs}. */
        public Declaration tag(String name) {
            this.tag = name;
            return this;
        }

        public Declaration summary(String text) {
            this.summary = text;
            return this;
        }

        public Declaration description(String text) {
            this.description = text;
            return this;
        }

        /** A path parameter ({@code {agent}} in the path), always required. */
        public Declaration pathParam(String name, String what) {
            params.add(new Param(name, In.PATH, what, true, YAML.readTree("type: string")));
            return this;
        }

        /** An optional query parameter of type string. */
        public Declaration query(String name, String what) {
            return query(name, what, "type: string");
        }

        /** An optional query parameter with its schema in YAML ({@code type: integer, minimum: 1}). */
        public Declaration query(String name, String what, String schemaYaml) {
            params.add(new Param(name, In.QUERY, what, false, YAML.readTree(schemaYaml)));
            return this;
        }

        /** An optional request header. */
        public Declaration header(String name, String what) {
            params.add(new Param(name, In.HEADER, what, false, YAML.readTree("type: string")));
            return this;
        }

        /** The JSON request body, by component schema name. */
        public Declaration accepts(String schema) {
            this.requestSchema = schema;
            return this;
        }

        /** The 200 answer's JSON body, by component schema name. */
        public Declaration answers(String schema) {
            return reply(200, "OK", schema, "application/json");
        }

        /** An answer with {@code status}, a body of {@code contentType}, described by {@code schema} (may be null). */
        public Declaration reply(int status, String what, String schema, String contentType) {
            replies.add(new Reply(status, what, Optional.ofNullable(schema), contentType));
            return this;
        }

        /** The error statuses this route may answer besides 401 and 403, which a scope implies. */
        public Declaration errors(Integer... statuses) {
            errors.addAll(List.of(statuses));
            return this;
        }

        /** Errors are rendered in Anthropic's shape ({@code /v1/messages}); OpenAI's otherwise. */
        public Declaration anthropicErrors() {
            this.errorDialect = ErrorDialect.ANTHROPIC;
            return this;
        }

        /** Adds the route, served by {@code handler}. */
        public RouteTable handle(Handler handler) {
            List<Integer> allErrors = new ArrayList<>(errors);
            if (scope != null) {
                allErrors.addAll(0, List.of(401, 403));
            }
            routes.add(new Route(method, path, Optional.ofNullable(scope), tag, summary, description, List.copyOf(params),
                    Optional.ofNullable(requestSchema), List.copyOf(replies), allErrors.stream().distinct().sorted().toList(),
                    errorDialect, handler));
            return RouteTable.this;
        }

        /** Adds a JSON route of {@code endpoint}, authenticated with this declaration's scope. */
        public RouteTable json(JsonEndpoint endpoint, JsonEndpoint.Body body) {
            if (scope == null) {
                throw new IllegalStateException(method.text() + " " + path + ": a JSON endpoint needs a scope");
            }
            return handle(endpoint.of(scope, body));
        }
    }
}
