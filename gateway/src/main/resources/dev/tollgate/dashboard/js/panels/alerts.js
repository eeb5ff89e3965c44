// Alerts that fired (GET /api/token-usage/alerts), filterable by level, type and agent.
import { el, utc, int, pct } from '../format.js';
import { table } from '../table.js';

export function alerts(section, ctx) {
  const filters = section.querySelector('form.filters');
  const rows = table(section.querySelector('.table'), [
    { key: 'created_at', label: 'Time', fmt: utc },
    { key: 'level', label: 'Level', cell: (r) => el('span', { class: `level level-${r.level}`, text: r.level }) },
    { key: 'type', label: 'Type' },
    { key: 'agent', label: 'Agent' },
    { key: 'rule_name', label: 'Budget' },
    { key: 'percent', label: 'Share', num: true, fmt: (v) => (v === null || v === undefined ? '' : pct(v)) },
    { key: 'value', label: 'Value', num: true, fmt: int },
    { key: 'limit', label: 'Limit', num: true, fmt: int },
    { key: 'message', label: 'Message' },
  ], { name: 'alerts', empty: 'No alerts match.' });
  async function refresh() {
    const f = filters.elements;
    const a = await ctx.get('/api/token-usage/alerts', { level: f.level.value, type: f.type.value, agent: f.agent.value.trim(), limit: 200 });
    rows.set(a.data);
  }
  filters.addEventListener('submit', (event) => {
    event.preventDefault();
    ctx.run(section, refresh);
  });
  return refresh;
}
