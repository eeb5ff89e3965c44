// How figures read. Raw values stay in data-value attributes and in CSV exports.
const INT = new Intl.NumberFormat('en-US');
const USD_BIG = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });
const USD_SMALL = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 6 });

/** Dollars: cents from $1 on, up to six decimals below (LLM calls cost fractions of a cent). */
export const usd = (v) => (v === null || v === undefined ? '' : (Math.abs(v) >= 1 ? USD_BIG : USD_SMALL).format(v));
export const int = (v) => (v === null || v === undefined ? '' : INT.format(v));
export const pct = (v) => (v === null || v === undefined ? '' : `${v.toFixed(1)}%`);
export const ms = (v) => (v === null || v === undefined || v < 0 ? '' : `${INT.format(v)} ms`);

/** An instant in UTC, to the minute: periods are UTC-aligned, so labels are too. */
export function utc(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Budget states as the issue names them; the API's own word stays in data-state. */
export const STATES = {
  ok: 'ok', warn: 'warning', prefer_fallback: 'fallback', emergency: 'emergency', block: 'blocked', exhausted: 'exhausted',
};

/** An element with text content only: values from the ledger (tags, messages) never become markup. */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null) continue;
    if (name === 'class') node.className = value;
    else if (name === 'text') node.textContent = value;
    else if (name.startsWith('data-') || name.startsWith('aria-') || name === 'role' || name === 'title') node.setAttribute(name, value);
    else node[name] = value;
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
}

/** A progress bar for a budget counter: width by share used, colour by state. */
export function progress(percentage, state) {
  const bar = el('div', { class: `progress state-${state}`, role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '100',
    'aria-valuenow': String(Math.min(100, percentage)), 'data-value': String(percentage) });
  const fill = el('div', { class: 'fill' });
  fill.style.width = `${Math.min(100, Math.max(0, percentage))}%`;
  bar.append(fill);
  return bar;
}
