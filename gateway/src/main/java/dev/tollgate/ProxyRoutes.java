package dev.tollgate;

import dev.tollgate.api.JsonEndpoint;
import dev.tollgate.api.RouteTable;
import dev.tollgate.api.responses.ResponsesRoutes;
import dev.tollgate.model.Scope;
import io.helidon.webserver.http.Handler;

/**
 * The declarations of the proxy routes (OpenAI-compatible, OpenAI's Responses API and Anthropic's Messages API) and of the
 * schemas that are not OpenAI's: the OpenAI routes refer to OpenAI's own published schemas
 * ({@code openai-schemas.yaml}); {@code /v1/messages} to a trimmed, hand-written form of Anthropic's.
 */
final class ProxyRoutes {

    /** The handlers the proxy routes are served by. */
    record Handlers(Handler chat, Handler embeddings, Handler messages, Handler countTokens, Handler models, ResponsesRoutes responses, JsonEndpoint endpoint) {
    }

    private static final int[] PROXY_ERRORS = {400, 404, 413, 429, 502, 503, 504};

    private ProxyRoutes() {
    }

    static void declare(RouteTable table, Handlers h) {
        for (String path : new String[] {"/v1/chat/completions", "/chat/completions"}) {
            proxied(table.post(path).tag("openai").summary("Create a chat completion (OpenAI-compatible; streamed as SSE with stream: true)")
                    .description("model: a concrete model, an alias, or auto / tollgate / none for autopilot routing. Every other "
                            + "parameter is passed through. The answer is OpenAI's chat.completion, or with stream: true a "
                            + "text/event-stream of chat.completion.chunk events ending in data: [DONE].")
                    .accepts("CreateChatCompletionRequest").answers("CreateChatCompletionResponse")
                    .reply(200, "With stream: true, server-sent events, each data: a chunk", "CreateChatCompletionStreamResponse",
                            "text/event-stream")).handle(h.chat());
        }
        for (String path : new String[] {"/v1/embeddings", "/embeddings"}) {
            proxied(table.post(path).tag("openai").summary("Create embeddings (OpenAI-compatible)")
                    .accepts("CreateEmbeddingRequest").answers("CreateEmbeddingResponse")).handle(h.embeddings());
        }
        proxied(table.post("/v1/messages").tag("anthropic").summary("Create a message (Anthropic Messages API; streamed with stream: true)")
                .description("Any configured provider serves it; an Anthropic upstream gets the request as sent. Errors are in "
                        + "Anthropic's shape.")
                .header("anthropic-version", "Accepted as Anthropic's SDKs send it")
                .accepts("AnthropicMessagesRequest").answers("AnthropicMessage").anthropicErrors()).handle(h.messages());
        table.post("/v1/messages/count_tokens").tag("anthropic").scope(Scope.INFER)
                .summary("Count a message request's input tokens (Anthropic's shape; not billed)")
                .description("Counted by Anthropic for a model an Anthropic upstream serves, else estimated with the local tokenizer; "
                        + "x-tollgate-token-count says which (upstream or estimated). Records no usage, charges no budget, takes no rate limit.")
                .header("anthropic-version", "Accepted as Anthropic's SDKs send it")
                .accepts("AnthropicCountTokensRequest").answers("AnthropicTokenCount").errors(400, 403, 404, 413).anthropicErrors()
                .handle(h.countTokens());
        responses(table, h);
        for (String path : new String[] {"/v1/models", "/models"}) {
            table.get(path).tag("openai").scope(Scope.INFER).summary("List the models this gateway serves, and its aliases")
                    .answers("ListModelsResponse").handle(h.models());
        }
        anthropicSchemas(table);
    }

    private static void responses(RouteTable table, Handlers h) {
        proxied(table.post("/v1/responses").tag("openai").summary("Create a model response (OpenAI's Responses API; streamed with stream: true)")
                .description("Any configured provider serves it: the request is translated to a chat completion and the answer back "
                        + "to a response object, or with stream: true to the Responses event stream (response.created ... "
                        + "response.completed). store (default true) keeps the response for GET and previous_response_id, per org.")
                .accepts("ResponsesRequest").answers("ResponsesResponse")
                .reply(200, "With stream: true, server-sent events, each data: a ResponseStreamEvent", "ResponsesStreamEvent",
                        "text/event-stream")).handle(h.responses().create());
        table.get("/v1/responses/{id}").tag("openai").scope(Scope.INFER).summary("Get a kept response of the caller's org")
                .pathParam("id", "The response's id (resp_...)").answers("ResponsesResponse").errors(404).json(h.endpoint(), h.responses()::read);
        table.delete("/v1/responses/{id}").tag("openai").scope(Scope.INFER).summary("Delete a kept response of the caller's org")
                .pathParam("id", "The response's id (resp_...)").answers("DeleteResponseAnswer").errors(404)
                .json(h.endpoint(), h.responses()::delete);
        table.schema("ResponsesRequest", """
                type: object
                description: OpenAI's Responses API request (the fields Tollgate serves; built-in tools are refused)
                required: [input]
                properties:
                  model: {type: string}
                  input:
                    oneOf:
                      - {type: string}
                      - type: array
                        items:
                          type: object
                          description: 'A message (role, content: string or input_text / output_text / input_image parts), a function_call (call_id, name, arguments) or a function_call_output (call_id, output)'
                          properties:
                            type: {type: string, enum: [message, function_call, function_call_output, reasoning]}
                            role: {type: string, enum: [user, assistant, system, developer]}
                            content: {}
                            call_id: {type: string}
                            name: {type: string}
                            arguments: {type: string}
                            output: {}
                  instructions: {type: string}
                  previous_response_id: {type: string}
                  store: {type: boolean, default: true}
                  stream: {type: boolean}
                  max_output_tokens: {type: integer, minimum: 1}
                  temperature: {type: number, minimum: 0, maximum: 2}
                  top_p: {type: number, minimum: 0, maximum: 1}
                  tools:
                    type: array
                    items:
                      type: object
                      required: [type, name]
                      properties:
                        type: {type: string, const: function}
                        name: {type: string}
                        description: {type: string}
                        parameters: {type: object}
                        strict: {type: boolean}
                  tool_choice:
                    oneOf:
                      - {type: string, enum: [auto, none, required]}
                      - {type: object, required: [type, name], properties: {type: {const: function}, name: {type: string}}}
                  text:
                    type: object
                    properties:
                      format: {type: object, description: 'text, json_object, or json_schema with name and schema'}
                  reasoning:
                    type: object
                    properties:
                      effort: {type: string, enum: [none, minimal, low, medium, high, xhigh]}
                  metadata: {type: object, additionalProperties: {type: string}}
                  user: {type: string}
                  parallel_tool_calls: {type: boolean}
                """);
        table.schema("ResponsesResponse", """
                type: object
                description: OpenAI's response object (the full schema is OpenAI's Response)
                required: [id, object, created_at, status, model, output, usage]
                properties:
                  id: {type: string}
                  object: {type: string, const: response}
                  created_at: {type: integer}
                  status: {type: string, enum: [completed, incomplete, failed, in_progress]}
                  model: {type: string}
                  output:
                    type: array
                    items:
                      type: object
                      description: 'A message (content: output_text parts) or a function_call (call_id, name, arguments)'
                      properties:
                        id: {type: string}
                        type: {type: string, enum: [message, function_call]}
                  usage:
                    type: object
                    properties:
                      input_tokens: {type: integer}
                      input_tokens_details: {type: object, properties: {cached_tokens: {type: integer}}}
                      output_tokens: {type: integer}
                      output_tokens_details: {type: object, properties: {reasoning_tokens: {type: integer}}}
                      total_tokens: {type: integer}
                """);
        table.schema("ResponsesStreamEvent", """
                type: object
                description: 'One event of the stream: response.created, response.output_text.delta, response.completed, error, ...'
                required: [type, sequence_number]
                properties:
                  type: {type: string}
                  sequence_number: {type: integer}
                """);
        table.schema("DeleteResponseAnswer", """
                type: object
                required: [id, object, deleted]
                properties:
                  id: {type: string}
                  object: {type: string, const: response}
                  deleted: {type: boolean}
                """);
    }

    /** The request headers, scope and errors every proxied route shares. */
    private static RouteTable.Declaration proxied(RouteTable.Declaration d) {
        d.scope(Scope.INFER)
                .header("X-Tollgate-Agent", "The agent that made the call (a tag for budgets and analytics)")
                .header("X-Tollgate-Feature", "The feature that made the call (a tag)")
                .header("X-Tollgate-Request-Id", "Your id for the call (letters, digits, . _ : -; up to 128); answered in x-tollgate-request-id")
                .header("X-Tollgate-Budget-Usd", "A cost ceiling for this call in US dollars")
                .header("X-Tollgate-Cache", "no-cache, no-store or ttl=N");
        for (int status : PROXY_ERRORS) {
            d.errors(status);
        }
        return d;
    }

    private static void anthropicSchemas(RouteTable table) {
        table.schema("AnthropicMessagesRequest", """
                type: object
                description: Anthropic's Messages API request (fields Tollgate reads; others are passed through to Anthropic upstreams)
                required: [model, max_tokens, messages]
                properties:
                  model: {type: string}
                  max_tokens: {type: integer, minimum: 1}
                  system:
                    oneOf:
                      - {type: string}
                      - {type: array, items: {$ref: '#/components/schemas/AnthropicContentBlock'}}
                  messages:
                    type: array
                    items:
                      type: object
                      required: [role, content]
                      properties:
                        role: {type: string, enum: [user, assistant]}
                        content:
                          oneOf:
                            - {type: string}
                            - {type: array, items: {$ref: '#/components/schemas/AnthropicContentBlock'}}
                  stream: {type: boolean}
                  temperature: {type: number}
                  top_p: {type: number}
                  top_k: {type: integer}
                  stop_sequences: {type: array, items: {type: string}}
                  tools:
                    type: array
                    items:
                      type: object
                      required: [name, input_schema]
                      properties:
                        name: {type: string}
                        description: {type: string}
                        input_schema: {type: object}
                  tool_choice: {type: object}
                  metadata:
                    type: object
                    properties:
                      user_id: {type: string}
                  thinking: {type: object}
                """);
        table.schema("AnthropicCountTokensRequest", """
                type: object
                description: A messages request without max_tokens (the fields a count reads)
                required: [messages]
                properties:
                  model: {type: string}
                  system: {}
                  messages: {type: array, items: {type: object}}
                  tools: {type: array, items: {type: object}}
                  tool_choice: {type: object}
                  thinking: {type: object}
                """);
        table.schema("AnthropicTokenCount", """
                type: object
                required: [input_tokens]
                properties:
                  input_tokens: {type: integer, minimum: 0}
                """);
        table.schema("AnthropicContentBlock", """
                type: object
                description: 'A content block: text, image, tool_use, tool_result, thinking, ...'
                required: [type]
                properties:
                  type: {type: string}
                  text: {type: string}
                  id: {type: string}
                  name: {type: string}
                  input: {type: object}
                  tool_use_id: {type: string}
                  source: {type: object}
                """);
        table.schema("AnthropicMessage", """
                type: object
                description: Anthropic's message object (a stream sends Anthropic's events instead)
                required: [id, type, role, content, model, stop_reason, usage]
                properties:
                  id: {type: string}
                  type: {type: string, const: message}
                  role: {type: string, const: assistant}
                  content: {type: array, items: {$ref: '#/components/schemas/AnthropicContentBlock'}}
                  model: {type: string}
                  stop_reason: {type: [string, 'null'], enum: [end_turn, max_tokens, stop_sequence, tool_use, pause_turn, refusal, null]}
                  stop_sequence: {type: [string, 'null']}
                  usage:
                    type: object
                    properties:
                      input_tokens: {type: integer}
                      output_tokens: {type: integer}
                      cache_read_input_tokens: {type: integer}
                      cache_creation_input_tokens: {type: integer}
                """);
        table.schema("AnthropicErrorResponse", """
                type: object
                required: [type, error]
                properties:
                  type: {type: string, const: error}
                  error:
                    type: object
                    required: [type, message]
                    properties:
                      type: {type: string, description: 'invalid_request_error, authentication_error, permission_error, not_found_error, rate_limit_error, api_error, overloaded_error'}
                      message: {type: string}
                """);
    }
}
