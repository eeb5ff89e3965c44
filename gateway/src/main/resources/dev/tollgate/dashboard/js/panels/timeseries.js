// Spend and tokens per hour or day of the period (GET /analytics/timeseries), chart and table.
import { usd, int, utc } from '../format.js';
import { table } from '../table.js';
import { timeChart } from '../charts.js';

export function timeseries(section, ctx) {
  const chart = timeChart(section.querySelector('.chart'));
  const rows = table(section.querySelector('.table'), [
    { key: 'start', label: 'From', fmt: utc },
    { key: 'requests', label: 'Requests', num: true, fmt: int },
    { key: 'errors', label: 'Errors', num: true, fmt: int },
    { key: 'input_tokens', label: 'Input tokens', num: true, fmt: int },
    { key: 'output_tokens', label: 'Output tokens', num: true, fmt: int },
    { key: 'total_tokens', label: 'Tokens', num: true, fmt: int },
    { key: 'cost_usd', label: 'Cost', num: true, fmt: usd },
    { key: 'cache_savings_usd', label: 'Cache savings', num: true, fmt: usd },
  ], { name: 'timeseries' });
  return async () => {
    const s = await ctx.get('/analytics/timeseries', { period: ctx.period(), interval: ctx.interval() });
    chart.set(s.buckets);
    rows.set(s.buckets);
  };
}
