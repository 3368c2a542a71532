// Drives a request's page of the Tokentap dashboard in a real Chromium (playwright-core, the Debian chromium binary)
// and prints what it saw as one JSON line: the request's fields, its captured content as shown, what the XSS corpus
// became in the page (elements, attributes, dialogs), the expander, the no-content note, console errors, screenshots.
// Usage: node dashboard-content.mjs <url-with-token> <screenshot-dir> <content-id> <no-content-id> <no-content-time>
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

const [url, outDir, contentId, bareId, bareTime] = process.argv.slice(2);
const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
mkdirSync(outDir, { recursive: true });

const consoleErrors = [];
const dialogs = [];
const watch = page => {
  page.on('console', message => { if (message.type() === 'error' || message.type() === 'warning') consoleErrors.push(`${message.type()}: ${message.text()}`); });
  page.on('pageerror', error => consoleErrors.push(`pageerror: ${error.message}`));
  page.on('requestfailed', request => { if (!request.url().includes('/api/live')) consoleErrors.push(`requestfailed: ${request.url()} ${request.failure()?.errorText}`); });
  page.on('dialog', dialog => { dialogs.push(dialog.message()); dialog.dismiss().catch(() => {}); });
};

async function settled(page) {
  await page.waitForSelector('body[data-loading="false"]', { timeout: 15000 });
}

// Everything the request's page shows, read as the user sees it (textContent of each part).
async function requestPage(page) {
  return page.evaluate(() => {
    const text = selector => document.querySelector(selector)?.textContent ?? null;
    const visible = selector => { const node = document.querySelector(selector); return !!node && !node.closest('[hidden]'); };
    const content = document.getElementById('content');
    return {
      search: location.search,
      title: text('#request-title'),
      fields: Object.fromEntries([...document.querySelectorAll('#request-fields dd')].map(dd => [dd.dataset.field, dd.textContent])),
      missing: visible('#content-missing') ? text('#content-missing') : null,
      contentShown: visible('#content'),
      truncatedShown: visible('#content-truncated'),
      system: visible('#content-system') ? text('#content-system pre') : null,
      messages: [...document.querySelectorAll('#content-messages article')].map(a => [a.querySelector('h4').textContent, a.querySelector('pre').textContent]),
      tools: visible('#content-tools') ? text('#content-tools .tool-names') : null,
      response: text('#content-response pre'),
      toolCalls: [...document.querySelectorAll('#content-toolcalls article')].map(a => [a.querySelector('h4').textContent, a.querySelector('pre').textContent]),
      binaries: [...document.querySelectorAll('#content .binary')].map(s => s.textContent),
      collapsed: document.querySelectorAll('#content pre.collapsed').length,
      expanders: [...document.querySelectorAll('#content button.expander')].map(b => b.textContent),
      // What the page built inside the content: the tag names used, and anything a script could hide in.
      tags: [...new Set([...content.querySelectorAll('*')].map(e => e.tagName.toLowerCase()))].sort(),
      dangerous: document.querySelectorAll('script:not([src="/app.js"]), iframe, img:not([src="/icon.svg"]), object, embed, #content svg, a[href^="javascript" i], textarea').length,
      eventAttributes: [...document.querySelectorAll('*')].flatMap(e => [...e.attributes].filter(a => a.name.toLowerCase().startsWith('on')).map(a => `${e.tagName}.${a.name}`)),
      overflow: document.documentElement.scrollWidth - window.innerWidth,
    };
  });
}

const browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
const result = { consoleErrors, dialogs };
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, timezoneId: 'UTC', colorScheme: 'light' });
  const page = await context.newPage();
  watch(page);
  await page.goto(url);
  await settled(page);
  await page.waitForFunction(() => document.getElementById('live-state').textContent === 'live', null, { timeout: 10000 });
  result.feed = await page.$$eval('#feed tbody tr', rows => rows.map(r => [r.dataset.id, r.dataset.content, r.querySelector('.has-content')?.textContent ?? '']));

  // From the list to the page: a click on the row with content.
  await page.click(`#feed tbody tr[data-id="${contentId}"] td:nth-child(3)`);
  await page.waitForFunction(() => new URLSearchParams(location.search).get('view') === 'request');
  await settled(page);
  result.opened = await requestPage(page);
  await page.screenshot({ path: path.join(outDir, 'request-1280x800.png'), fullPage: true });

  await page.click('#content-messages button.expander');
  result.afterExpand = await page.evaluate(() => ({
    collapsed: document.querySelectorAll('#content pre.collapsed').length,
    expanders: [...document.querySelectorAll('#content button.expander')].map(b => [b.textContent, b.getAttribute('aria-expanded')]),
  }));
  await page.click('#content-raw summary');
  result.rawOpen = await page.$eval('#content-raw', d => d.open);
  result.afterRaw = await requestPage(page);

  await page.setViewportSize({ width: 800, height: 900 });
  await page.reload();
  await settled(page);
  result.reloaded = await requestPage(page);
  await page.screenshot({ path: path.join(outDir, 'request-800x900.png'), fullPage: true });

  await page.click('#request-back');
  await settled(page);
  result.backSearch = new URL(page.url()).search;
  result.backView = await page.evaluate(() => [...document.querySelectorAll('main > section')].filter(s => !s.hidden).map(s => s.id));

  const address = new URL(url);
  address.search = new URLSearchParams({ view: 'request', id: bareId, time: bareTime }).toString();
  await page.goto(address.toString());
  await settled(page);
  result.bare = await requestPage(page);
  await page.screenshot({ path: path.join(outDir, 'request-no-content-800x900.png') });
  await context.close();
} finally {
  await browser.close();
}

console.log(JSON.stringify(result));
