package dev.tollgate.admin;

import dev.tollgate.api.RouteTable;

/**
 * The schemas of the usage reads ({@link AnalyticsRoutes}): totals, events, periods, breakdowns,
 * forecasts, as {@link UsageJson} writes them. Other routes refer to {@code UsageTotals} and {@code UsageEvent}.
 */
final class UsageSchemas {

    private UsageSchemas() {
    }

    static void declare(RouteTable r) {
        r.schema("UsageTotals", """
                type: object
                description: Totals of a set of calls (refused calls count as requests and cost nothing)
                properties:
                  requests: {type: integer}
                  errors: {type: integer}
                  input_tokens: {type: integer}
                  output_tokens: {type: integer}
                  cached_tokens: {type: integer}
                  cache_write_tokens: {type: integer}
                  reasoning_tokens: {type: integer}
                  total_tokens: {type: integer}
                  cost_usd: {type: number}
                  cache_savings_usd: {type: number}
                  routing_savings_usd: {type: number, description: What autopilot routing saved against the strongest fitting candidate}
                  price_unknown_requests: {type: integer}
                  refused_requests: {type: integer}
                  estimated_requests: {type: integer}
                  avg_latency_ms: {type: integer}
                """);
        r.schema("UsageEvent", """
                type: object
                description: One call as the ledger keeps it
                properties:
                  id: {type: string}
                  time: {type: string, format: date-time}
                  request_id: {type: string}
                  org_id: {type: [string, 'null']}
                  key_id: {type: [string, 'null']}
                  agent: {type: [string, 'null']}
                  feature: {type: [string, 'null']}
                  endpoint: {type: string}
                  source: {type: string, enum: [proxy, sdk]}
                  provider: {type: [string, 'null']}
                  model: {type: [string, 'null']}
                  input_tokens: {type: integer}
                  output_tokens: {type: integer}
                  cached_tokens: {type: integer}
                  cache_write_tokens: {type: integer}
                  reasoning_tokens: {type: integer}
                  estimated: {type: boolean}
                  cost_usd: {type: number}
                  price_known: {type: boolean}
                  cache_savings_usd: {type: number}
                  routing_free_cost_usd: {type: number, description: This usage on the strongest fitting autopilot candidate (the cost when not routed)}
                  routing_savings_usd: {type: number}
                  latency_ms: {type: integer}
                  ttft_ms: {type: integer, description: '-1 when not streamed'}
                  status: {type: integer}
                  error_code: {type: [string, 'null']}
                  stream: {type: boolean}
                  attempts: {type: integer}
                  cache: {type: string}
                  routing_reason: {type: [string, 'null']}
                """);
        r.schema("PeriodTotals", """
                description: Totals of a period, and the period
                allOf:
                  - $ref: '#/components/schemas/UsageTotals'
                  - type: object
                    properties:
                      period: {type: string}
                      from: {type: string, format: date-time}
                      to: {type: string, format: date-time}
                      org_id: {type: [string, 'null']}
                """);
        r.schema("CostSummary", """
                allOf:
                  - $ref: '#/components/schemas/PeriodTotals'
                  - type: object
                    properties:
                      by_model: {type: array, items: {$ref: '#/components/schemas/ModelTotals'}}
                      by_provider: {type: array, items: {$ref: '#/components/schemas/ProviderTotals'}}
                """);
        r.schema("ModelTotals", """
                allOf:
                  - $ref: '#/components/schemas/UsageTotals'
                  - {type: object, properties: {model: {type: string}}}
                """);
        r.schema("ProviderTotals", """
                allOf:
                  - $ref: '#/components/schemas/UsageTotals'
                  - {type: object, properties: {provider: {type: string}}}
                """);
        r.schema("RecentInferences", """
                type: object
                properties:
                  data: {type: array, items: {$ref: '#/components/schemas/UsageEvent'}}
                  next_cursor: {type: [string, 'null'], description: 'Pass as before for the next page; null on the last'}
                """);
        r.schema("Breakdown", """
                allOf:
                  - $ref: '#/components/schemas/PeriodTotals'
                  - type: object
                    properties:
                      by: {type: string}
                      rows:
                        type: array
                        description: One row per value of the dimension, its value under the dimension's name
                        items: {$ref: '#/components/schemas/UsageTotals'}
                """);
        r.schema("Projection", """
                type: object
                properties:
                  month_to_date: {$ref: '#/components/schemas/UsageTotals'}
                  projected_month_end:
                    type: object
                    properties:
                      cost_usd: {type: number}
                      total_tokens: {type: integer}
                """);
        r.schema("Forecast", """
                allOf:
                  - $ref: '#/components/schemas/Projection'
                  - type: object
                    properties:
                      month: {type: string, examples: ['2026-12']}
                      as_of: {type: string, format: date-time}
                      method: {type: string}
                      agents:
                        type: array
                        items:
                          allOf:
                            - $ref: '#/components/schemas/Projection'
                            - {type: object, properties: {agent: {type: string}}}
                """);
        r.schema("Timeseries", """
                allOf:
                  - $ref: '#/components/schemas/PeriodTotals'
                  - type: object
                    properties:
                      interval: {type: string, enum: [hour, day]}
                      buckets:
                        type: array
                        items:
                          allOf:
                            - $ref: '#/components/schemas/UsageTotals'
                            - {type: object, properties: {start: {type: string, format: date-time}}}
                """);
        r.schema("WhoAmI", """
                type: object
                properties:
                  key_id: {type: string}
                  org_id: {type: string}
                  all_orgs: {type: boolean}
                  scopes: {type: array, items: {type: string, enum: [admin, analytics, infer]}}
                """);
        r.schema("AgentUsage", """
                description: An agent's usage this month, in total and per provider
                allOf:
                  - $ref: '#/components/schemas/UsageTotals'
                  - type: object
                    properties:
                      month: {type: string}
                      ai_name: {type: string}
                      providers: {type: object, additionalProperties: {$ref: '#/components/schemas/UsageTotals'}}
                """);
        r.schema("TokenUsageSummary", """
                type: object
                properties:
                  month: {type: string}
                  agents: {type: array, items: {$ref: '#/components/schemas/AgentUsage'}}
                """);
        r.schema("AgentHistory", """
                type: object
                properties:
                  ai_name: {type: string}
                  months:
                    type: array
                    items:
                      allOf:
                        - $ref: '#/components/schemas/UsageTotals'
                        - type: object
                          properties:
                            month: {type: string}
                            providers: {type: object, additionalProperties: {$ref: '#/components/schemas/UsageTotals'}}
                """);
        r.schema("GovernanceUsage", """
                allOf:
                  - $ref: '#/components/schemas/PeriodTotals'
                  - type: object
                    properties:
                      by_model: {type: array, items: {$ref: '#/components/schemas/ModelTotals'}}
                """);
    }
}
