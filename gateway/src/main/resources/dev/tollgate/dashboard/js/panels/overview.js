// Totals of the period (GET /analytics/cost-summary): spend, calls, tokens, savings, latency.
import { el, usd, int, ms } from '../format.js';

const TILES = [
  ['cost_usd', 'Spend', usd],
  ['requests', 'Requests', int],
  ['errors', 'Errors', int],
  ['total_tokens', 'Tokens', int],
  ['input_tokens', 'Input tokens', int],
  ['output_tokens', 'Output tokens', int],
  ['cached_tokens', 'Cached tokens', int],
  ['cache_savings_usd', 'Cache savings', usd],
  ['routing_savings_usd', 'Routing savings', usd], // shown once the API reports it
  ['avg_latency_ms', 'Average latency', ms],
  ['price_unknown_requests', 'Calls without a price', int],
];

export function overview(section, ctx) {
  const tiles = section.querySelector('.tiles');
  return async () => {
    const s = await ctx.get('/analytics/cost-summary', { period: ctx.period() });
    tiles.replaceChildren(...TILES.filter(([field]) => s[field] !== undefined).map(([field, label, fmt]) => el('div',
      { class: 'tile', 'data-figure': field, 'data-value': String(s[field]) },
      el('span', { class: 'label', text: label }), el('span', { class: 'value', text: fmt(s[field]) }))));
    section.querySelector('.period-label').textContent = ctx.periodLabel(s);
  };
}
