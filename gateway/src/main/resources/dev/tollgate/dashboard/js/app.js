// The dashboard: sign-in, the controls (org, period, interval), and one refresh per panel.
// Every figure comes from the gateway's JSON APIs with the signed-in key; nothing else is fetched.
import { call, url, session, ApiError } from './api.js';
import { el, utc } from './format.js';
import { overview } from './panels/overview.js';
import { timeseries } from './panels/timeseries.js';
import { breakdown } from './panels/breakdown.js';
import { budgets } from './panels/budgets.js';
import { providers } from './panels/providers.js';
import { forecast } from './panels/forecast.js';
import { alerts } from './panels/alerts.js';
import { recent } from './panels/recent.js';

const $ = (selector) => document.querySelector(selector);
const PANELS = { overview, timeseries, breakdown, budgets, providers, forecast, alerts, recent };

function explain(e) {
  if (!(e instanceof ApiError)) return `The dashboard failed: ${e.message}`;
  if (e.status === 401) return `This key was not accepted: ${e.message}.`;
  if (e.status === 403) return `This key may not read this: ${e.message}.`;
  return e.message;
}

function say(section, text, error = false) {
  const status = section.querySelector('.status');
  status.textContent = text;
  status.classList.toggle('error', error);
}

/** Runs a panel's work, marks the panel busy meanwhile, and reports a failure in the panel. */
async function run(section, work) {
  section.setAttribute('aria-busy', 'true');
  try {
    await work();
    say(section, '');
    section.dataset.loaded = String(Number(section.dataset.loaded ?? 0) + 1);
  } catch (e) {
    say(section, explain(e), true);
  } finally {
    section.removeAttribute('aria-busy');
  }
}

async function signedIn(me) {
  $('#sign-in').hidden = true;
  $('#controls').hidden = false;
  $('#panels').hidden = false;
  $('#who').textContent = `${me.key_id} · ${me.all_orgs ? 'all orgs' : `org ${me.org_id}`}`;
  document.body.dataset.role = me.scopes.includes('admin') ? 'admin' : 'analytics';
  const org = $('#org');
  if (me.all_orgs && me.scopes.includes('admin')) {
    const orgs = await call('/governance/orgs');
    org.replaceChildren(el('option', { value: '', text: 'All orgs' }),
      ...orgs.data.map((o) => el('option', { value: o.id, text: `${o.name} (${o.id})` })));
    $('#org-label').hidden = false;
  }
  const ctx = {
    me,
    period: () => $('#period').value,
    interval: () => $('#interval').value,
    get: (path, params = {}) => call(url(path, { ...params, org_id: org.value })),
    send: (path, method, body) => call(path, { method, body }),
    periodLabel: (answer) => `${utc(answer.from)} – ${utc(answer.to)}`,
    run,
    say,
  };
  const refreshers = Object.entries(PANELS).map(([id, make]) => {
    const section = document.getElementById(id);
    return [section, make(section, ctx)];
  });
  const refreshAll = () => Promise.all(refreshers.map(([section, refresh]) => run(section, refresh)));
  $('#period').addEventListener('change', () => {
    // Hours for a day or less, days beyond; hours only up to 7 days (the API refuses longer hourly series).
    const period = $('#period').value;
    $('#interval').value = ['1h', '24h', 'day'].includes(period) ? 'hour' : 'day';
    $('#interval option[value="hour"]').disabled = ['30d', 'month'].includes(period);
    refreshAll();
  });
  for (const control of ['#org', '#interval']) $(control).addEventListener('change', refreshAll);
  await refreshAll();
  document.body.dataset.ready = 'true';
}

function showSignIn(message) {
  $('#sign-in').hidden = false;
  const error = $('#sign-in-error');
  error.textContent = message ?? '';
  error.hidden = !message;
  $('#api-key').focus();
}

$('#sign-in-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const key = $('#api-key').value.trim();
  let me;
  try {
    me = await call('/analytics/whoami', { key });
  } catch (e) {
    showSignIn(explain(e));
    return;
  }
  session.remember(key);
  $('#api-key').value = '';
  await signedIn(me);
});

$('#sign-out').addEventListener('click', () => {
  session.forget();
  window.location.reload();
});

// Back in a tab that signed in before: the key is still in this tab's session storage.
if (session.key()) {
  call('/analytics/whoami').then(signedIn, (e) => {
    session.forget();
    showSignIn(explain(e));
  });
} else {
  showSignIn();
}
