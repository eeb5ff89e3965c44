package dev.tollgate.admin;

import dev.tollgate.api.RouteTable;

/**
 * The schemas of the governance routes (orgs, keys, audit: {@link GovernanceRoutes}), the budget routes
 * ({@link BudgetRoutes}, {@link BudgetJson}) and the token-usage writes and statuses
 * ({@link TokenUsageRoutes}), as those classes write them.
 */
final class GovernanceSchemas {

    private GovernanceSchemas() {
    }

    static void declare(RouteTable r) {
        r.schema("Org", """
                type: object
                required: [id, name, created_at]
                properties:
                  id: {type: string}
                  name: {type: string}
                  created_at: {type: string, format: date-time}
                  contact_email: {type: string}
                """);
        r.schema("OrgList", """
                type: object
                properties:
                  data: {type: array, items: {$ref: '#/components/schemas/Org'}}
                """);
        r.schema("OrgRequest", """
                type: object
                required: [name]
                additionalProperties: false
                properties:
                  name: {type: string, maxLength: 128}
                  id: {type: string, maxLength: 63, description: 'Default: a slug of the name'}
                """);
        r.schema("KeyLimits", """
                type: object
                description: The key's own rate limits; 0 or null for none of its own
                additionalProperties: false
                properties:
                  rpm: {type: [integer, 'null'], minimum: 0}
                  tpm: {type: [integer, 'null'], minimum: 0}
                """);
        r.schema("ApiKey", """
                type: object
                description: A key as listed (never its secret; the prefix identifies it)
                properties:
                  id: {type: string}
                  org_id: {type: string}
                  name: {type: string}
                  prefix: {type: string}
                  scopes: {type: array, items: {type: string, enum: [admin, analytics, infer]}}
                  allowed_models: {type: array, items: {type: string}}
                  default_agent: {type: [string, 'null']}
                  default_feature: {type: [string, 'null']}
                  expires_at: {type: [string, 'null'], format: date-time}
                  created_at: {type: string, format: date-time}
                  last_used_at: {type: [string, 'null'], format: date-time}
                  revoked: {type: boolean}
                  limits: {$ref: '#/components/schemas/KeyLimits'}
                """);
        r.schema("IssuedApiKey", """
                description: A new key; key is its secret, shown only in this answer
                allOf:
                  - $ref: '#/components/schemas/ApiKey'
                  - type: object
                    required: [key]
                    properties:
                      key: {type: string}
                      replaces: {type: string, description: The id of the key a rotation revoked}
                """);
        r.schema("ApiKeyList", """
                type: object
                properties:
                  data: {type: array, items: {$ref: '#/components/schemas/ApiKey'}}
                """);
        r.schema("ApiKeyRequest", """
                type: object
                required: [name]
                additionalProperties: false
                properties:
                  org_id: {type: string, description: 'Default: the caller''s org'}
                  name: {type: string, maxLength: 128}
                  scopes: {type: array, items: {type: string, enum: [admin, analytics, infer]}, description: 'Default: [infer]'}
                  allowed_models: {type: array, items: {type: string}}
                  default_agent: {type: string}
                  default_feature: {type: string}
                  expires_at: {type: string, format: date-time}
                  expires_in_days: {type: integer, minimum: 1}
                  limits: {$ref: '#/components/schemas/KeyLimits'}
                """);
        r.schema("ApiKeyLimitsRequest", """
                type: object
                required: [limits]
                additionalProperties: false
                properties:
                  limits: {$ref: '#/components/schemas/KeyLimits'}
                """);
        r.schema("Revoked", """
                type: object
                properties:
                  id: {type: string}
                  revoked: {type: boolean, const: true}
                """);
        r.schema("AuditLog", """
                type: object
                properties:
                  data:
                    type: array
                    items:
                      type: object
                      properties:
                        time: {type: string, format: date-time}
                        actor: {type: string, description: The acting key's id}
                        org_id: {type: [string, 'null']}
                        action: {type: string}
                        target: {type: [string, 'null']}
                        details: {type: object}
                """);
    }

    static void budgets(RouteTable r) {
        r.schema("BudgetRule", """
                type: object
                description: A budget rule, with the fields of a rule under budgets in the YAML configuration
                required: [name, metric, period, limit]
                additionalProperties: false
                properties:
                  name: {type: string}
                  scope:
                    type: object
                    description: 'Selector: org, key, agent, feature, provider, model; a value or * (each one apart)'
                    additionalProperties: false
                    properties:
                      org: {type: string}
                      key: {type: string}
                      agent: {type: string}
                      feature: {type: string}
                      provider: {type: string}
                      model: {type: string}
                  metric: {type: string, enum: [tokens, cost_usd, requests]}
                  tokens: {type: string, enum: [total, input, output]}
                  period: {type: string, enum: [day, month, total]}
                  time_zone: {type: string}
                  limit: {type: number, exclusiveMinimum: 0}
                  thresholds:
                    type: array
                    items:
                      type: object
                      required: [at, action]
                      properties:
                        at: {type: number, minimum: 0, maximum: 1}
                        action: {type: string, enum: [warn, prefer_fallback, emergency, block]}
                  alerts: {type: object, additionalProperties: {type: number}}
                  fallback:
                    type: object
                    required: [provider]
                    properties:
                      provider: {type: string}
                      model: {type: string}
                      max_tokens: {type: integer}
                      temperature: {type: number}
                """);
        r.schema("BudgetStanding", """
                type: object
                description: One counter of a rule in its current period
                properties:
                  budget: {type: string}
                  scope: {type: object, additionalProperties: {type: string}}
                  metric: {type: string}
                  period: {type: string}
                  period_start: {type: string, format: date-time}
                  period_end: {type: string, format: date-time}
                  used: {type: number}
                  limit: {type: number}
                  percentage: {type: number}
                  state: {type: string, description: 'ok, warn, prefer_fallback, emergency, block or exhausted'}
                  provider: {type: [string, 'null']}
                """);
        r.schema("Budget", """
                allOf:
                  - $ref: '#/components/schemas/BudgetRule'
                  - type: object
                    properties:
                      source: {type: string, enum: [config, api]}
                      counters: {type: array, items: {$ref: '#/components/schemas/BudgetStanding'}}
                """);
        r.schema("BudgetList", """
                type: object
                properties:
                  data: {type: array, items: {$ref: '#/components/schemas/Budget'}}
                """);
        r.schema("BudgetDeleted", """
                type: object
                properties:
                  name: {type: string}
                  deleted: {type: boolean, const: true}
                """);
    }

    static void tokenUsage(RouteTable r) {
        r.schema("ProviderStatus", """
                type: object
                properties:
                  agent: {type: string}
                  model: {type: string}
                  providers: {type: array, items: {$ref: '#/components/schemas/BudgetStanding'}}
                  chosen:
                    type: object
                    description: The provider a call would be sent to now, and why (provider null when none)
                    properties:
                      provider: {type: [string, 'null']}
                      model: {type: [string, 'null']}
                      reason: {type: string}
                  circuits: {type: array, items: {$ref: '#/components/schemas/CircuitStatus'}}
                """);
        r.schema("ProviderStatusList", """
                type: object
                properties:
                  model: {type: string}
                  agents: {type: array, items: {$ref: '#/components/schemas/ProviderStatus'}}
                  circuits: {type: array, items: {$ref: '#/components/schemas/CircuitStatus'}}
                """);
        r.schema("CircuitStatus", """
                type: object
                description: A deployment's circuit breaker (deployments that took a call since start)
                properties:
                  provider: {type: string}
                  model: {type: string}
                  state: {type: string, enum: [closed, open, half_open]}
                  failure_rate_percent: {type: [number, 'null'], description: Over the breaker's window; null until minimum_calls were made}
                  calls: {type: integer}
                  failed_calls: {type: integer}
                  open_for_ms: {type: integer, description: How long the circuit stays open before a probe may go through (0 unless open)}
                """);
        r.schema("EmergencyStatus", """
                type: object
                properties:
                  emergency: {type: boolean}
                  usage:
                    type: object
                    properties:
                      period: {type: string}
                      from: {type: string, format: date-time}
                      requests: {type: integer}
                      input_tokens: {type: integer}
                      output_tokens: {type: integer}
                      total_tokens: {type: integer}
                      cost_usd: {type: number}
                  blocked: {type: array, items: {type: object}}
                  priority_agents: {type: array, items: {type: string}}
                  priority_keys: {type: array, items: {type: string}}
                """);
        r.schema("TestAiCallRequest", """
                type: object
                required: [ai_name, prompt]
                properties:
                  ai_name: {type: string}
                  prompt: {type: string}
                  preferred_provider: {type: string}
                  model: {type: string}
                  max_tokens: {type: integer, minimum: 1}
                """);
        r.schema("TestAiCallAnswer", """
                type: object
                properties:
                  request_id: {type: string}
                  ai_name: {type: string}
                  provider: {type: [string, 'null']}
                  model: {type: [string, 'null']}
                  preferred_provider: {type: [string, 'null']}
                  routing_reason: {type: [string, 'null']}
                  text: {type: string}
                  usage:
                    type: object
                    properties:
                      input_tokens: {type: integer}
                      output_tokens: {type: integer}
                      total_tokens: {type: integer}
                  cost_usd: {type: number}
                """);
        r.schema("BudgetReset", """
                type: object
                properties:
                  agent: {type: string}
                  reset_at: {type: string, format: date-time}
                  reset: {type: array, items: {type: object}}
                """);
    }
}
