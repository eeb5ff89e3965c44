// Drives Tollgate's dashboard in Debian's headless Chromium and writes what it saw to
// $ARTIFACTS/observations.json (with screenshots beside it). DashboardBrowserTest (gateway-it) starts
// the gateway with a known ledger, runs this script, and asserts the observations against the
// gateway's JSON APIs and the hand-computed costs. This script only drives and records; it fails
// (exit 1) when the page does not get where a step expects, saying which step.
//
// Environment: BASE_URL, ARTIFACTS, WRONG_KEY, ANALYTICS_KEY, ADMIN_KEY (an org's admin), MASTER_KEY,
// CHROMIUM (default /usr/bin/chromium).
import { chromium } from 'playwright-core';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};
const BASE = env('BASE_URL');
const OUT = env('ARTIFACTS');
const STEP_MS = 15_000;
mkdirSync(OUT, { recursive: true });

const observations = {};
let step = 'start';

async function browser() {
  const profile = mkdtempSync(join(tmpdir(), 'tollgate-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1280, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  return { context, close: async () => { await context.close(); rmSync(profile, { recursive: true, force: true }); } };
}

/** A fresh tab that records its console errors, page errors and failed requests into `log`. */
async function tab(context, log) {
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_MS);
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') log.push(`${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => log.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => log.push(`requestfailed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('dialog', (d) => d.accept());
  return page;
}

async function signIn(page, key) {
  await page.goto(`${BASE}/dashboard`);
  await page.fill('#api-key', key);
  await page.click('#sign-in-form button[type="submit"]');
}

/** Runs `action` and waits until the panel has loaded once more (or shows an error, which is recorded). */
async function reload(page, id, action) {
  const before = await page.$eval(`#${id}`, (s) => Number(s.dataset.loaded ?? 0));
  await action();
  await page.waitForFunction(([panel, n]) => {
    const s = document.getElementById(panel);
    return Number(s.dataset.loaded ?? 0) > n || s.querySelector('.status.error');
  }, [id, before]);
  return page.$eval(`#${id} .status`, (s) => s.textContent);
}

/** The rows of the panel's table as {key: data-value}. */
const rows = (page, id) => page.$$eval(`#${id} .table tbody tr`, (trs) => trs.map((tr) => Object.fromEntries(
  [...tr.querySelectorAll('td')].map((td) => [td.dataset.key, td.dataset.value]))));

const panelStatus = (page) => page.$$eval('.panel[id]', (ps) => Object.fromEntries(ps.filter((p) => p.id !== 'sign-in')
  .map((p) => [p.id, { loaded: Number(p.dataset.loaded ?? 0), status: p.querySelector('.status')?.textContent ?? '' }])));

const storedKey = (page) => page.evaluate(() => sessionStorage.getItem('tollgate.dashboard.key'));

async function csv(page, id) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(`#${id} button.csv`)]);
  return { filename: download.suggestedFilename(), text: readFileSync(await download.path(), 'utf8') };
}

async function wrongKey(context) {
  const log = [];
  const page = await tab(context, log);
  await signIn(page, env('WRONG_KEY'));
  await page.waitForSelector('#sign-in-error:not([hidden])');
  observations.wrongKey = {
    error: await page.textContent('#sign-in-error'),
    panelsHidden: await page.$eval('#panels', (p) => p.hidden),
    storedKey: await storedKey(page),
    console: log,
  };
  await page.close();
}

/** What an analytics key gets when it tries the budget API the page hides from it (its own tab: the 403 is logged). */
async function forbidden(context) {
  const log = [];
  const page = await tab(context, log);
  await page.goto(`${BASE}/dashboard`);
  observations.forbidden = {
    status: await page.evaluate(async (key) => {
      const res = await fetch('/governance/budgets', { method: 'POST', headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'sneaky', metric: 'requests', period: 'day', limit: 1 }) });
      return { status: res.status, body: await res.json() };
    }, env('ANALYTICS_KEY')),
    console: log,
  };
  await page.close();
}

async function analytics(context) {
  const log = [];
  const page = await tab(context, log);
  const o = { console: log };
  observations.analytics = o;
  step = 'analytics: sign in';
  await signIn(page, env('ANALYTICS_KEY'));
  await page.waitForSelector('body[data-ready="true"]');
  o.storedKey = await storedKey(page);
  o.role = await page.getAttribute('body', 'data-role');
  o.orgPickerHidden = await page.$eval('#org-label', (l) => l.hidden);
  o.panels = await panelStatus(page);
  o.overview = await page.$$eval('#overview .tile', (ts) => ts.map((t) => ({ figure: t.dataset.figure, value: t.dataset.value,
    text: t.querySelector('.value').textContent })));
  o.timeseries = await rows(page, 'timeseries');
  o.timeseriesCanvas = await page.$$eval('#timeseries .chart canvas', (cs) => cs.length);

  step = 'analytics: breakdowns';
  o.breakdown = {};
  for (const by of ['model', 'provider', 'key', 'agent', 'feature']) {
    if (await page.$eval('#breakdown select[name="by"]', (s) => s.value) !== by) {
      await reload(page, 'breakdown', () => page.selectOption('#breakdown select[name="by"]', by));
    }
    o.breakdown[by] = { rows: await rows(page, 'breakdown'), bars: await page.$$eval('#breakdown .chart canvas', (cs) => cs.length) };
  }
  step = 'analytics: sorting';
  await page.click('#breakdown th button[data-sort="requests"]');
  o.sortedFirst = { order: await page.getAttribute('#breakdown th:has(button[data-sort="requests"])', 'aria-sort'), rows: await rows(page, 'breakdown') };
  await page.click('#breakdown th button[data-sort="requests"]');
  o.sortedSecond = { order: await page.getAttribute('#breakdown th:has(button[data-sort="requests"])', 'aria-sort'), rows: await rows(page, 'breakdown') };
  await page.click('#breakdown th button[data-sort="feature"]');
  o.sortedByName = await rows(page, 'breakdown');
  step = 'analytics: CSV';
  o.csv = { breakdown: await csv(page, 'breakdown'), recent: await csv(page, 'recent') };

  step = 'analytics: budgets and providers';
  o.rulesHidden = await page.$eval('#budgets .rules', (r) => r.hidden);
  o.agents = await page.$$eval('#budgets .agent', (as) => as.map((a) => ({
    agent: a.dataset.agent,
    chosen: a.querySelector('.chosen').dataset.provider,
    reason: a.querySelector('.chosen .reason').textContent,
    standings: [...a.querySelectorAll('.standing')].map((s) => ({ budget: s.dataset.budget, state: s.dataset.state,
      percentage: s.querySelector('.progress').dataset.value, text: s.querySelector('.standing-figures').textContent })),
  })));
  // The budget standings are live (the admin phase changes them later): the API's answer of this moment.
  o.providerStatusApi = await page.evaluate(async (key) => (await fetch('/api/token-usage/provider-status',
    { headers: { Authorization: `Bearer ${key}` } })).json(), env('ANALYTICS_KEY'));
  o.providers = await rows(page, 'providers');
  o.forecast = { mtd: await page.getAttribute('#forecast .summary', 'data-mtd'), projected: await page.getAttribute('#forecast .summary', 'data-projected'),
    rows: await rows(page, 'forecast') };

  step = 'analytics: alerts';
  o.alerts = await rows(page, 'alerts');
  await reload(page, 'alerts', async () => {
    await page.selectOption('#alerts select[name="level"]', 'critical');
    await page.click('#alerts form button[type="submit"]');
  });
  o.alertsCritical = await rows(page, 'alerts');

  step = 'analytics: recent inferences, page by page';
  await reload(page, 'recent', async () => {
    await page.selectOption('#recent select[name="limit"]', '10');
    await page.click('#recent form button[type="submit"]');
  });
  o.pages = [await rows(page, 'recent')];
  o.pageLabels = [await page.textContent('#recent .page')];
  for (let i = 0; i < 50 && !(await page.$eval('#recent .next', (b) => b.disabled)); i++) {
    await reload(page, 'recent', () => page.click('#recent .next'));
    o.pages.push(await rows(page, 'recent'));
    o.pageLabels.push(await page.textContent('#recent .page'));
  }
  await reload(page, 'recent', () => page.click('#recent .prev'));
  o.pageAfterPrev = { label: await page.textContent('#recent .page'), rows: await rows(page, 'recent') };
  await reload(page, 'recent', async () => {
    await page.fill('#recent input[name="agent"]', 'scout');
    await page.click('#recent form button[type="submit"]');
  });
  o.recentScout = await rows(page, 'recent');
  o.recentScoutLabel = await page.textContent('#recent .page');

  await page.screenshot({ path: join(OUT, 'analytics-24h.png'), fullPage: true });

  step = 'analytics: period 7 days';
  await reload(page, 'overview', () => page.selectOption('#period', '7d'));
  await page.waitForFunction(() => document.querySelectorAll('.panel[aria-busy="true"]').length === 0);
  o.interval7d = await page.$eval('#interval', (s) => s.value);
  o.overview7d = await page.$$eval('#overview .tile', (ts) => ts.map((t) => ({ figure: t.dataset.figure, value: t.dataset.value })));
  o.timeseries7d = await rows(page, 'timeseries');
  o.panels7d = await panelStatus(page);

  step = 'analytics: phone';
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForFunction(() => document.querySelector('#timeseries .chart .uplot')?.getBoundingClientRect().width <= 390);
  o.phone = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
    chartWidth: document.querySelector('#timeseries .chart .uplot').getBoundingClientRect().width }));
  await page.screenshot({ path: join(OUT, 'analytics-phone.png'), fullPage: true });

  step = 'analytics: sign out';
  await page.click('#sign-out');
  await page.waitForSelector('#sign-in:not([hidden])');
  o.afterSignOut = { storedKey: await storedKey(page), panelsHidden: await page.$eval('#panels', (p) => p.hidden) };
  await page.close();
}

async function admin(context) {
  const log = [];
  const page = await tab(context, log);
  const o = { console: log };
  observations.admin = o;
  step = 'admin: sign in';
  await signIn(page, env('ADMIN_KEY'));
  await page.waitForSelector('body[data-ready="true"]');
  o.role = await page.getAttribute('body', 'data-role');
  o.rulesHidden = await page.$eval('#budgets .rules', (r) => r.hidden);
  o.orgFieldHidden = await page.$eval('#budgets [name="scope.org"]', (i) => i.closest('label').hidden);
  o.rulesBefore = await rows(page, 'budgets');
  o.panels = await panelStatus(page);

  step = 'admin: a bad budget is refused with the API\'s message';
  const quiet = log.length;
  await page.click('#budgets .new-budget');
  await page.fill('#budgets [name="name"]', 'dash-bad');
  await page.fill('#budgets [name="limit"]', '0');
  await page.click('#budgets .budget-form button[type="submit"]');
  await page.waitForSelector('#budgets .form-error:not([hidden])');
  o.badBudgetError = await page.textContent('#budgets .form-error');
  o.badBudgetConsole = log.splice(quiet); // the browser logs the 400 answer; nothing else may appear

  step = 'admin: create a budget';
  await page.click('#budgets .budget-form .cancel');
  await page.click('#budgets .new-budget');
  await page.fill('#budgets [name="name"]', 'dash-scout-dollars');
  await page.fill('#budgets [name="scope.agent"]', 'scout');
  await page.selectOption('#budgets [name="metric"]', 'cost_usd');
  await page.selectOption('#budgets [name="period"]', 'month');
  await page.fill('#budgets [name="limit"]', '50');
  await page.fill('#budgets [name="thresholds"]', '0.8:warn');
  await reload(page, 'budgets', () => page.click('#budgets .budget-form button[type="submit"]'));
  await page.waitForSelector('#budgets .status:has-text("created")');
  o.created = { status: await page.textContent('#budgets .status'), rules: await rows(page, 'budgets') };

  step = 'admin: edit it';
  await page.click('#budgets button[data-edit="dash-scout-dollars"]');
  o.editNameDisabled = await page.$eval('#budgets [name="name"]', (i) => i.disabled);
  await page.fill('#budgets [name="limit"]', '75');
  await reload(page, 'budgets', () => page.click('#budgets .budget-form button[type="submit"]'));
  await page.waitForSelector('#budgets .status:has-text("saved")');
  o.edited = await rows(page, 'budgets');
  await page.screenshot({ path: join(OUT, 'admin-budgets.png'), fullPage: true });

  step = 'admin: delete it';
  await reload(page, 'budgets', () => page.click('#budgets button[data-delete="dash-scout-dollars"]'));
  await page.waitForSelector('#budgets .status:has-text("deleted")');
  o.deleted = await rows(page, 'budgets');
  await page.close();
}

async function master(context) {
  const log = [];
  const page = await tab(context, log);
  const o = { console: log };
  observations.master = o;
  step = 'master: sign in';
  await signIn(page, env('MASTER_KEY'));
  await page.waitForSelector('body[data-ready="true"]');
  o.orgPickerHidden = await page.$eval('#org-label', (l) => l.hidden);
  o.orgs = await page.$$eval('#org option', (os) => os.map((x) => x.value));
  o.overviewAll = await page.getAttribute('#overview .tile[data-figure="cost_usd"]', 'data-value');
  for (const org of ['globex', 'acme']) {
    step = `master: org ${org}`;
    await reload(page, 'overview', () => page.selectOption('#org', org));
    await page.waitForFunction(() => document.querySelectorAll('.panel[aria-busy="true"]').length === 0);
    o[org] = { cost: await page.getAttribute('#overview .tile[data-figure="cost_usd"]', 'data-value'),
      agents: (await rows(page, 'forecast')).map((r) => r.agent), recent: (await rows(page, 'recent')).length };
  }
  o.panels = await panelStatus(page);
  await page.screenshot({ path: join(OUT, 'master-acme.png'), fullPage: true });
  await page.close();
}

const { context, close } = await browser();
let failed = null;
try {
  for (const phase of [wrongKey, analytics, forbidden, admin, master]) {
    step = phase.name;
    await phase(context);
  }
} catch (e) {
  failed = `${step}: ${e.message.split('\n')[0]}`;
  const pages = context.pages();
  if (pages.length) await pages.at(-1).screenshot({ path: join(OUT, 'failure.png'), fullPage: true }).catch(() => {});
} finally {
  observations.failed = failed;
  writeFileSync(join(OUT, 'observations.json'), JSON.stringify(observations, null, 2));
  await close();
}
if (failed) {
  console.error(`dashboard test stopped at ${failed}`);
  process.exit(1);
}
