// Spend and tokens per hour or day of the period (GET /analytics/timeseries), chart and table.
import { utc } from '../format.js';
import { TOTALS } from '../columns.js';
import { table } from '../table.js';
import { timeChart } from '../charts.js';

export function timeseries(section, ctx) {
  const chart = timeChart(section.querySelector('.chart'));
  const rows = table(section.querySelector('.table'), [{ key: 'start', label: 'From', fmt: utc }, ...TOTALS], { name: 'timeseries' });
  return async () => {
    const s = await ctx.get('/analytics/timeseries', { period: ctx.period(), interval: ctx.interval() });
    chart.set(s.buckets);
    rows.set(s.buckets);
  };
}
