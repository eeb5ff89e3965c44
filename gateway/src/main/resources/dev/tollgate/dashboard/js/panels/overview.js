// Totals of the period (GET /analytics/cost-summary): spend, calls, tokens, cache hits and savings, latency.
import { el, usd, int, ms, pct } from '../format.js';

const TILES = [
  ['cost_usd', 'Spend', usd],
  ['requests', 'Requests', int],
  ['errors', 'Errors', int],
  ['total_tokens', 'Tokens', int],
  ['input_tokens', 'Input tokens', int],
  ['output_tokens', 'Output tokens', int],
  ['cached_tokens', 'Cached tokens', int],
  ['cache_savings_usd', 'Cache savings', usd],
  ['cache_hits', 'Cache hits', int],
  ['cache_hit_rate', 'Cache hit rate', (v) => pct(v * 100)],
  ['cache_exact_savings_usd', 'Exact-cache savings', usd],
  ['cache_semantic_savings_usd', 'Semantic-cache savings', usd],
  ['cache_workflow_savings_usd', 'Workflow-cache savings', usd],
  ['routing_savings_usd', 'Routing savings', usd], // against the strongest fitting autopilot candidate
  ['avg_latency_ms', 'Average latency', ms],
  ['price_unknown_requests', 'Calls without a price', int],
];

export function overview(section, ctx) {
  const tiles = section.querySelector('.tiles');
  return async () => {
    const s = flatTiers(await ctx.get('/analytics/cost-summary', { period: ctx.period() }));
    tiles.replaceChildren(...TILES.filter(([field]) => s[field] !== undefined).map(([field, label, fmt]) => el('div',
      { class: 'tile', 'data-figure': field, 'data-value': String(s[field]) },
      el('span', { class: 'label', text: label }), el('span', { class: 'value', text: fmt(s[field]) }))));
    section.querySelector('.period-label').textContent = ctx.periodLabel(s);
  };
}

/** The per-tier figures as fields of their own (cache_exact_savings_usd, ...), for the tiles. */
function flatTiers(summary) {
  const out = { ...summary };
  for (const [tier, figures] of Object.entries(summary.cache_tiers || {})) {
    out[`cache_${tier}_hits`] = figures.hits;
    out[`cache_${tier}_savings_usd`] = figures.savings_usd;
  }
  return out;
}
