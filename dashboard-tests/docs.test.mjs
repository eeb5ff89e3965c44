// Loads Tollgate's /docs (Swagger UI over /openapi.json) in Debian's headless Chromium and writes what it
// saw to $ARTIFACTS/observations.json, with a screenshot beside it. DocsBrowserTest (gateway-it) starts
// the gateway, runs this script and asserts the observations: operations rendered, no console error, no
// failed request, no request to another origin (the CSP would block one; this records any attempt).
//
// Environment: BASE_URL, ARTIFACTS, CHROMIUM (default /usr/bin/chromium).
import { chromium } from 'playwright-core';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BASE = process.env.BASE_URL;
const OUT = process.env.ARTIFACTS;
if (!BASE || !OUT) throw new Error('BASE_URL and ARTIFACTS must be set');
mkdirSync(OUT, { recursive: true });

const observations = { console: [], requests: [], foreign: [], failedRequests: [] };
let step = 'start';
const profile = mkdtempSync(join(tmpdir(), 'tollgate-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1280, height: 900 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const origin = new URL(BASE).origin;
try {
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') observations.console.push(`${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => observations.console.push(`pageerror: ${e.message}`));
  page.on('response', (r) => { if (r.status() >= 400) observations.failedRequests.push(`${r.url()} ${r.status()}`); });
  page.on('request', (r) => {
    observations.requests.push(r.url());
    if (!r.url().startsWith(origin) && !r.url().startsWith('data:')) observations.foreign.push(r.url());
  });
  page.on('requestfailed', (r) => observations.failedRequests.push(`${r.url()} ${r.failure()?.errorText}`));
  step = 'open /docs';
  const response = await page.goto(`${BASE}/docs`);
  observations.status = response.status();
  observations.csp = response.headers()['content-security-policy'] ?? null;
  step = 'wait for the operations';
  await page.waitForSelector('.opblock', { state: 'visible' });
  await page.waitForLoadState('networkidle');
  observations.title = await page.$eval('.info .title', (e) => e.textContent.trim());
  observations.operations = await page.$$eval('.opblock', (els) => els.length);
  observations.tags = await page.$$eval('.opblock-tag', (els) => els.map((e) => e.getAttribute('data-tag')));
  step = 'expand the chat completions operation';
  await page.click('#operations-openai-post_v1_chat_completions .opblock-summary');
  await page.waitForSelector('#operations-openai-post_v1_chat_completions .opblock-body');
  observations.chatBody = await page.$eval('#operations-openai-post_v1_chat_completions .opblock-body', (e) => e.textContent);
  await page.screenshot({ path: join(OUT, 'docs.png'), fullPage: false });
  step = 'done';
} catch (e) {
  observations.failedAt = `${step}: ${e.message}`;
  process.exitCode = 1;
} finally {
  writeFileSync(join(OUT, 'observations.json'), JSON.stringify(observations, null, 2));
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
