// A sortable table with CSV export, built from column definitions:
//   {key, label, num?, fmt?(value,row), value?(row), cell?(row) -> Node, optional?}
// `value` gives the raw value (sorting, CSV, data-value), `fmt` the text shown, `cell` a custom cell.
// Optional columns appear only when some row has the field (fields the API adds later).
import { el } from './format.js';

const raw = (col, row) => (col.value ? col.value(row) : row[col.key]);

export function table(container, columns, { name, empty = 'Nothing in this period.' }) {
  let rows = [];
  let sort = null; // {key, dir: 1 | -1}
  const csv = el('button', { type: 'button', class: 'csv', text: 'Export CSV', 'data-table': name });
  const wrap = el('div', { class: 'scroll' });
  container.replaceChildren(el('div', { class: 'table-tools' }, csv), wrap);
  csv.addEventListener('click', () => download(`tollgate-${name}.csv`, toCsv(visible(), sorted())));

  function visible() {
    return columns.filter((c) => !c.optional || rows.some((r) => r[c.key] !== undefined && r[c.key] !== null));
  }

  function sorted() {
    if (!sort) return rows;
    const col = columns.find((c) => c.key === sort.key);
    return [...rows].sort((a, b) => {
      const x = raw(col, a);
      const y = raw(col, b);
      if (x === y) return 0;
      if (x === null || x === undefined) return 1;
      if (y === null || y === undefined) return -1;
      return (typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y))) * sort.dir;
    });
  }

  function render() {
    const cols = visible();
    const head = el('tr', {}, ...cols.map((c) => {
      const state = sort?.key === c.key ? (sort.dir === 1 ? 'ascending' : 'descending') : 'none';
      const button = el('button', { type: 'button', text: c.label, 'data-sort': c.key });
      button.addEventListener('click', () => {
        sort = { key: c.key, dir: sort?.key === c.key ? -sort.dir : (c.num ? -1 : 1) };
        render();
      });
      return el('th', { scope: 'col', 'aria-sort': state, class: c.num ? 'num' : undefined }, button);
    }));
    const body = sorted().map((r) => el('tr', {}, ...cols.map((c) => {
      const v = raw(c, r);
      const td = el('td', { class: c.num ? 'num' : undefined, 'data-key': c.key, 'data-value': v === undefined || v === null ? '' : String(v) });
      if (c.cell) td.append(c.cell(r));
      else td.textContent = c.fmt ? c.fmt(v, r) : (v ?? '');
      return td;
    })));
    const t = el('table', { 'data-table': name }, el('thead', {}, head), el('tbody', {}, ...body));
    wrap.replaceChildren(rows.length ? t : el('p', { class: 'empty', text: empty }));
    csv.disabled = rows.length === 0;
  }

  render();
  return {
    set(next) {
      rows = next;
      render();
    },
  };
}

/**
 * RFC 4180: fields with a comma, quote or line break are quoted, quotes doubled. Text that a spreadsheet
 * would run as a formula (a model name such as `=HYPERLINK(…)` reported through /api/log) gets a leading
 * apostrophe; numbers stay as they are.
 */
export function toCsv(columns, rows) {
  const field = (v) => {
    let s = v === null || v === undefined ? '' : String(v);
    if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
    return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  const lines = [columns.map((c) => field(c.label)).join(',')];
  for (const r of rows) lines.push(columns.map((c) => field(raw(c, r))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

function download(filename, text) {
  const href = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = el('a', { href, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 1000);
}
