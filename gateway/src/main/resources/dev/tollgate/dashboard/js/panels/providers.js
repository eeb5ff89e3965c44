// Per provider in the period: calls, errors, latency, spend (GET /analytics/breakdown?by=provider) and the
// worst budget state of its counters (GET /api/token-usage/provider-status). Circuit state, rate-limit
// headroom and latency percentiles are shown when the API reports them.
import { el, usd, int, ms, pct, STATES } from '../format.js';
import { table } from '../table.js';

const RANK = ['ok', 'warn', 'prefer_fallback', 'emergency', 'block', 'exhausted'];

export function providers(section, ctx) {
  const rows = table(section.querySelector('.table'), [
    { key: 'provider', label: 'Provider' },
    { key: 'requests', label: 'Requests', num: true, fmt: int },
    { key: 'errors', label: 'Errors', num: true, fmt: int },
    { key: 'error_rate', label: 'Error rate', num: true, fmt: pct },
    { key: 'avg_latency_ms', label: 'Avg latency', num: true, fmt: ms },
    { key: 'cost_usd', label: 'Cost', num: true, fmt: usd },
    { key: 'budget_state', label: 'Budgets', cell: (r) => (r.budget_state
      ? el('span', { class: `state state-${r.budget_state}`, text: STATES[r.budget_state] ?? r.budget_state }) : el('span', { text: '' })) },
    { key: 'circuit_state', label: 'Circuit', optional: true },
    { key: 'ratelimit_remaining_requests', label: 'Requests left', num: true, optional: true, fmt: int },
    { key: 'ratelimit_remaining_tokens', label: 'Tokens left', num: true, optional: true, fmt: int },
    { key: 'latency_p50_ms', label: 'p50', num: true, optional: true, fmt: ms },
    { key: 'latency_p99_ms', label: 'p99', num: true, optional: true, fmt: ms },
  ], { name: 'providers' });
  return async () => {
    const [b, status] = await Promise.all([
      ctx.get('/analytics/breakdown', { by: 'provider', period: ctx.period() }),
      ctx.get('/api/token-usage/provider-status'),
    ]);
    const worst = {};
    for (const a of status.agents) {
      for (const s of a.providers) {
        if (s.provider && RANK.indexOf(s.state) >= RANK.indexOf(worst[s.provider] ?? 'ok')) worst[s.provider] = s.state;
      }
    }
    const shown = b.rows.map((r) => ({ ...r, error_rate: r.requests ? (100 * r.errors) / r.requests : 0, budget_state: worst[r.provider] }));
    for (const p of Object.keys(worst)) if (!shown.some((r) => r.provider === p)) shown.push({ provider: p, requests: 0, errors: 0, error_rate: 0, avg_latency_ms: 0, cost_usd: 0, budget_state: worst[p] });
    rows.set(shown);
    section.querySelector('.period-label').textContent = ctx.periodLabel(b);
  };
}
