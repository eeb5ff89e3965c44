// The newest calls (GET /analytics/recent-inferences), filtered, page by page with the API's cursor.
import { usd, int, ms, utc } from '../format.js';
import { table } from '../table.js';

export function recent(section, ctx) {
  const filters = section.querySelector('form.filters');
  const prev = section.querySelector('.prev');
  const next = section.querySelector('.next');
  const label = section.querySelector('.page');
  const cursors = [null]; // cursors[i]: the `before` of page i + 1
  let nextCursor = null;
  const rows = table(section.querySelector('.table'), [
    { key: 'time', label: 'Time', fmt: utc },
    { key: 'agent', label: 'Agent' },
    { key: 'feature', label: 'Feature' },
    { key: 'key_id', label: 'Key' },
    { key: 'provider', label: 'Provider' },
    { key: 'model', label: 'Model' },
    { key: 'input_tokens', label: 'Input', num: true, fmt: int },
    { key: 'output_tokens', label: 'Output', num: true, fmt: int },
    { key: 'cost_usd', label: 'Cost', num: true, fmt: usd },
    { key: 'latency_ms', label: 'Latency', num: true, fmt: ms },
    { key: 'status', label: 'Status', num: true },
    { key: 'cache', label: 'Cache' },
    { key: 'routing_reason', label: 'Routing reason' },
    { key: 'request_id', label: 'Request id' },
  ], { name: 'recent-inferences', empty: 'No calls match.' });

  async function load() {
    const f = filters.elements;
    const page = await ctx.get('/analytics/recent-inferences', {
      limit: f.limit.value, before: cursors.at(-1), agent: f.agent.value.trim(), feature: f.feature.value.trim(),
      provider: f.provider.value.trim(), model: f.model.value.trim(),
    });
    nextCursor = page.next_cursor;
    rows.set(page.data);
    label.textContent = `Page ${cursors.length}`;
    prev.disabled = cursors.length === 1;
    next.disabled = !nextCursor;
  }

  filters.addEventListener('submit', (event) => {
    event.preventDefault();
    cursors.length = 1;
    ctx.run(section, load);
  });
  next.addEventListener('click', () => {
    cursors.push(nextCursor);
    ctx.run(section, load);
  });
  prev.addEventListener('click', () => {
    cursors.pop();
    ctx.run(section, load);
  });
  return async () => {
    cursors.length = 1;
    await load();
  };
}
