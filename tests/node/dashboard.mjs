// Drives the Tokentap dashboard in a real Chromium (playwright-core, the Debian chromium binary) and prints what it saw
// as one JSON line: the overview's figures, the live feed's delay, a filtered view, console errors, screenshots.
// Usage: node dashboard.mjs <url-with-token> <screenshot-dir> <time-zone> <filter-app> <command> [args...]
// <command> is run once the page is live (a request through the proxy); the feed must show it.
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

const [url, outDir, timezoneId, filterApp, command, ...commandArgs] = process.argv.slice(2);
const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
mkdirSync(outDir, { recursive: true });

const consoleErrors = [];
const watch = page => {
  page.on('console', message => { if (message.type() === 'error' || message.type() === 'warning') consoleErrors.push(`${message.type()}: ${message.text()}`); });
  page.on('pageerror', error => consoleErrors.push(`pageerror: ${error.message}`));
  page.on('requestfailed', request => { if (!request.url().includes('/api/live')) consoleErrors.push(`requestfailed: ${request.url()} ${request.failure()?.errorText}`); });
};

async function settled(page) {
  await page.waitForSelector('body[data-loading="false"]', { timeout: 15000 });
}

async function overview(page) {
  return page.$$eval('#windows article', cards => Object.fromEntries(cards.map(card => {
    const field = name => card.querySelector(`[data-field="${name}"]`);
    const raw = name => field(name)?.getAttribute('data-raw') ?? null;
    return [card.id.replace('window-', ''), {
      cost: raw('cost'), costText: field('cost').textContent,
      requests: raw('requests'), requestsText: field('requests').textContent,
      tokens: raw('tokens'), tokensText: field('tokens').textContent,
      cacheHitRate: raw('cache'), errorRate: raw('errors'),
    }];
  })));
}

const browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
const result = { consoleErrors };
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, timezoneId, colorScheme: 'light' });
  const page = await context.newPage();
  watch(page);
  const started = performance.now();
  await page.goto(url);
  await settled(page);
  result.firstRenderMs = Math.round(performance.now() - started);
  result.addressAfterLoad = page.url();
  result.overview = await overview(page);
  result.chartBars = await page.$$eval('#chart svg rect', rects => rects.length);
  await page.waitForFunction(() => document.getElementById('live-state').textContent === 'live', null, { timeout: 10000 });
  const rowsBefore = await page.$$eval('#feed tbody tr', rows => rows.map(r => r.getAttribute('data-id')));
  result.feedRowsBefore = rowsBefore.length;

  execFileSync(command, commandArgs, { stdio: ['ignore', 'ignore', 'inherit'] });
  const answered = performance.now();
  await page.waitForFunction(before => [...document.querySelectorAll('#feed tbody tr')].some(r => !before.includes(r.getAttribute('data-id'))), rowsBefore, { timeout: 5000, polling: 20 });
  result.liveDelayMs = Math.round(performance.now() - answered);
  result.newRow = await page.$eval('#feed tbody tr.new', row => [...row.cells].map(c => c.textContent));
  await page.waitForTimeout(1200);
  await settled(page);
  result.overviewAfterLive = await overview(page);
  await page.screenshot({ path: path.join(outDir, 'dashboard-1280x800.png') });

  await page.fill('#filters input[name="app"]', filterApp);
  await page.click('#filters button[type="submit"]');
  await page.waitForFunction(app => new URLSearchParams(location.search).get('app') === app, filterApp);
  await settled(page);
  result.filteredAddress = new URL(page.url()).search;
  result.filtered = await overview(page);
  await page.reload();
  await settled(page);
  result.filteredAfterReload = await overview(page);

  await page.click('#views a[data-view="models"]');
  await settled(page);
  result.models = await page.$$eval('#model-table tbody tr', rows => rows.map(r => [...r.cells].map(c => c.textContent)));
  await page.click('#views a[data-view="sessions"]');
  await settled(page);
  result.sessions = await page.$$eval('#session-table tbody tr', rows => rows.length);
  await context.close();

  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, timezoneId, colorScheme: 'dark', isMobile: true, hasTouch: true });
  const phonePage = await phone.newPage();
  watch(phonePage);
  await phonePage.goto(url);
  await settled(phonePage);
  result.phoneOverflow = await phonePage.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  await phonePage.screenshot({ path: path.join(outDir, 'dashboard-390x844.png') });
  await phone.close();
} finally {
  await browser.close();
}

console.log(JSON.stringify(result));
