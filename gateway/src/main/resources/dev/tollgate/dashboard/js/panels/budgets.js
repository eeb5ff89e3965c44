// Budgets: per agent, each budget's standing and the provider a call would get now
// (GET /api/token-usage/provider-status); for admins, the rules with their counters and
// create / edit / delete (/governance/budgets).
import { el, int, usd, pct, progress, STATES } from '../format.js';
import { table } from '../table.js';

const amount = (metric, v) => (metric === 'cost_usd' ? usd(v) : int(v));
const scopeText = (scope) => Object.entries(scope).map(([k, v]) => `${k}=${v}`).join(', ') || 'every call';

function standing(s) {
  const state = STATES[s.state] ?? s.state;
  return el('div', { class: 'standing', 'data-budget': s.budget, 'data-state': s.state },
    el('div', { class: 'standing-head' },
      el('span', { text: s.provider ? `${s.budget} (${s.provider})` : s.budget }),
      el('span', { class: `state state-${s.state}`, text: state })),
    progress(s.percentage, s.state),
    el('div', { class: 'standing-figures', text: `${amount(s.metric, s.used)} of ${amount(s.metric, s.limit)} (${pct(s.percentage)}) this ${s.period}` }));
}

export function budgets(section, ctx) {
  const agents = section.querySelector('.agents');
  const rules = section.querySelector('.rules');
  const form = section.querySelector('.budget-form');
  const formError = form.querySelector('.form-error');
  let editing = null;
  const admin = ctx.me.scopes.includes('admin');
  rules.hidden = !admin;
  if (!ctx.me.all_orgs) form.querySelector('[name="scope.org"]').closest('label').hidden = true;

  const list = admin ? table(rules.querySelector('.table'), [
    { key: 'name', label: 'Name' },
    { key: 'source', label: 'Source' },
    { key: 'scope', label: 'Scope', value: (r) => scopeText(r.scope) },
    { key: 'metric', label: 'Metric' },
    { key: 'period', label: 'Period' },
    { key: 'limit', label: 'Limit', num: true, fmt: (v, r) => amount(r.metric, v) },
    { key: 'counters', label: 'Counters', value: (r) => r.counters.map((c) => `${scopeText(c.scope)}: ${c.percentage}% ${c.state}`).join('; '),
      cell: (r) => el('div', {}, ...(r.counters.length ? r.counters.map(standing) : [el('span', { class: 'hint', text: 'no usage yet' })])) },
    { key: 'actions', label: '', value: () => '', cell: (r) => actions(r) },
  ], { name: 'budgets', empty: 'No budget rules.' }) : null;

  function actions(rule) {
    if (rule.source !== 'api') return el('span', { class: 'hint', text: 'from the configuration file' });
    const edit = el('button', { type: 'button', text: 'Edit', 'data-edit': rule.name });
    edit.addEventListener('click', () => open(rule));
    const del = el('button', { type: 'button', text: 'Delete', 'data-delete': rule.name });
    del.addEventListener('click', async () => {
      if (!window.confirm(`Delete budget '${rule.name}'?`)) return;
      try {
        await ctx.send(`/governance/budgets/${encodeURIComponent(rule.name)}`, 'DELETE');
      } catch (e) {
        ctx.say(section, e.message, true);
        return;
      }
      await ctx.run(section, refresh);
      ctx.say(section, `Budget '${rule.name}' deleted.`);
    });
    return el('span', { class: 'actions' }, edit, del);
  }

  function open(rule) {
    editing = rule?.name ?? null;
    form.reset();
    formError.hidden = true;
    form.querySelector('.form-title').textContent = rule ? `Edit budget '${rule.name}'` : 'New budget';
    form.elements.name.disabled = Boolean(rule);
    if (rule) {
      form.elements.name.value = rule.name;
      for (const [k, v] of Object.entries(rule.scope)) if (form.elements[`scope.${k}`]) form.elements[`scope.${k}`].value = v;
      form.elements.metric.value = rule.metric;
      form.elements.period.value = rule.period;
      form.elements.limit.value = rule.limit;
      form.elements.thresholds.value = rule.thresholds.map((t) => `${t.at}:${t.action}`).join(', ');
      form.elements['fallback.provider'].value = rule.fallback?.provider ?? '';
      form.elements['fallback.model'].value = rule.fallback?.model ?? '';
    }
    form.hidden = false;
    form.elements[rule ? 'limit' : 'name'].focus();
  }

  function body() {
    const f = form.elements;
    const scope = {};
    for (const d of ['org', 'agent', 'feature', 'provider', 'model', 'key']) if (f[`scope.${d}`].value.trim()) scope[d] = f[`scope.${d}`].value.trim();
    const out = { name: f.name.value.trim(), scope, metric: f.metric.value, period: f.period.value, limit: Number(f.limit.value) };
    out.thresholds = f.thresholds.value.split(',').map((t) => t.trim()).filter(Boolean).map((t) => {
      const [at, action] = t.split(':').map((x) => x.trim());
      return { at: Number(at), action };
    });
    if (f['fallback.provider'].value.trim()) out.fallback = { provider: f['fallback.provider'].value.trim(), model: f['fallback.model'].value.trim() };
    return out;
  }

  section.querySelector('.new-budget').addEventListener('click', () => open(null));
  form.querySelector('.cancel').addEventListener('click', () => { form.hidden = true; });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    formError.hidden = true;
    const b = body();
    try {
      if (editing) await ctx.send(`/governance/budgets/${encodeURIComponent(editing)}`, 'PUT', b);
      else await ctx.send('/governance/budgets', 'POST', b);
    } catch (e) {
      formError.textContent = e.message;
      formError.hidden = false;
      return;
    }
    form.hidden = true;
    await ctx.run(section, refresh);
    ctx.say(section, `Budget '${b.name}' ${editing ? 'saved' : 'created'}.`);
  });

  async function refresh() {
    const status = await ctx.get('/api/token-usage/provider-status');
    agents.replaceChildren(...(status.agents.length ? status.agents.map((a) => el('div', { class: 'agent', 'data-agent': a.agent },
      el('h3', { text: a.agent }),
      el('p', { class: 'chosen', 'data-provider': a.chosen.provider ?? '' },
        el('strong', { text: a.chosen.provider ? `Now: ${a.chosen.provider}${a.chosen.model ? ` (${a.chosen.model})` : ''}` : 'Now: refused' }),
        el('span', { class: 'reason', text: ` — ${a.chosen.reason}` })),
      ...a.providers.map(standing))) : [el('p', { class: 'empty', text: 'No budget selects agents.' })]));
    if (list) list.set((await ctx.get('/governance/budgets')).data);
  }
  return refresh;
}
