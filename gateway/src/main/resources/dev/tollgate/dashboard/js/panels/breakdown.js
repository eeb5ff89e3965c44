// Usage per model, provider, key, agent or feature (GET /analytics/breakdown), chart and sortable table.
import { TOTALS } from '../columns.js';
import { table } from '../table.js';
import { barChart } from '../charts.js';

export function breakdown(section, ctx) {
  const by = section.querySelector('select[name="by"]');
  const chart = barChart(section.querySelector('.chart'));
  let rows = null;
  let shownBy = null;

  function columns(dimension) {
    return [{ key: dimension, label: by.selectedOptions[0].textContent, fmt: (v) => (v === '' ? '(none)' : v) }, ...TOTALS];
  }

  async function refresh() {
    const dimension = by.value;
    const b = await ctx.get('/analytics/breakdown', { by: dimension, period: ctx.period() });
    if (shownBy !== dimension) {
      rows = table(section.querySelector('.table'), columns(dimension), { name: `breakdown-${dimension}` });
      shownBy = dimension;
    }
    chart.set(b.rows.map((r) => (r[dimension] === '' ? '(none)' : r[dimension])), b.rows.map((r) => r.cost_usd));
    rows.set(b.rows);
    section.dataset.by = dimension;
  }

  by.addEventListener('change', () => ctx.run(section, refresh));
  return refresh;
}
