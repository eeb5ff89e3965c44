// Month-end projection overall and per agent (GET /analytics/forecast).
import { usd, int } from '../format.js';
import { table } from '../table.js';

export function forecast(section, ctx) {
  const rows = table(section.querySelector('.table'), [
    { key: 'agent', label: 'Agent', fmt: (v) => (v === '' ? '(none)' : v) },
    { key: 'mtd_cost', label: 'Month to date', num: true, fmt: usd, value: (r) => r.month_to_date.cost_usd },
    { key: 'projected_cost', label: 'Projected month end', num: true, fmt: usd, value: (r) => r.projected_month_end.cost_usd },
    { key: 'mtd_tokens', label: 'Tokens to date', num: true, fmt: int, value: (r) => r.month_to_date.total_tokens },
    { key: 'projected_tokens', label: 'Projected tokens', num: true, fmt: int, value: (r) => r.projected_month_end.total_tokens },
  ], { name: 'forecast', empty: 'No usage this month yet.' });
  return async () => {
    const f = await ctx.get('/analytics/forecast');
    const summary = section.querySelector('.summary');
    summary.textContent = `${f.month}: ${usd(f.month_to_date.cost_usd)} so far, ${usd(f.projected_month_end.cost_usd)} projected by month end.`;
    summary.dataset.mtd = String(f.month_to_date.cost_usd);
    summary.dataset.projected = String(f.projected_month_end.cost_usd);
    section.querySelector('.method').textContent = `Method: ${f.method}.`;
    rows.set(f.agents);
  };
}
