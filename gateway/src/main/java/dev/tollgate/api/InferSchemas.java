package dev.tollgate.api;

/** The schemas of {@code POST /infer}'s body and answer, for {@code /openapi.json}. */
final class InferSchemas {

    private InferSchemas() {
    }

    static void register(RouteTable r) {
        r.schema("InferRequest", """
                type: object
                description: prompt or messages (exactly one); every other field optional. Unknown fields are refused.
                properties:
                  prompt: {type: string, description: One user message}
                  messages:
                    type: array
                    description: A conversation in OpenAI's chat shape
                    items: {type: object, properties: {role: {type: string}, content: {}}}
                  routing_mode: {type: string, enum: [autopilot, guided, explicit]}
                  quality_preference:
                    description: cost, balanced, quality, or a target from 0 to 1 (guided)
                    oneOf: [{type: string, enum: [cost, balanced, quality]}, {type: number, minimum: 0, maximum: 1}]
                  latency_preference: {type: string, enum: [low, normal], description: low moves the operating point towards cost (guided)}
                  latency_budget_ms: {type: integer, minimum: 1, maximum: 3600000, description: Leaves out candidates observed slower (p95)}
                  cost_budget: {type: number, exclusiveMinimum: 0, description: The most this call may cost at worst, in US dollars}
                  model_override: {type: string, description: The model for routing_mode explicit}
                  organization_id: {type: string, description: Must be the key's org}
                  task_id: {type: string, description: Workflow cache task (with step)}
                  step: {type: string, description: Workflow cache step (with task_id)}
                  max_tokens: {type: integer, minimum: 1, maximum: 1000000}
                  stream: {type: boolean, description: 'OpenAI chat.completion.chunk events, then a tollgate.infer event, then [DONE]'}
                """);
        r.schema("InferAnswer", """
                type: object
                properties:
                  request_id: {type: string}
                  text: {type: [string, 'null']}
                  model_used: {type: [string, 'null']}
                  provider: {type: [string, 'null']}
                  cost: {type: [number, 'null'], description: US dollars; null when the model has no price}
                  predicted_cost: {type: [number, 'null'], description: The worst case predicted before the call}
                  estimated_cost_without_routing: {type: [number, 'null'], description: This usage at the strongest fitting candidate}
                  savings: {type: [number, 'null']}
                  cache_hit: {type: boolean}
                  cache_tier: {type: string, enum: [miss, exact, semantic, workflow]}
                  routing_reason: {type: [string, 'null']}
                  usage:
                    type: object
                    properties:
                      input_tokens: {type: integer}
                      output_tokens: {type: integer}
                      total_tokens: {type: integer}
                  latency_ms: {type: integer}
                """);
    }
}
