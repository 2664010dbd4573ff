// A first visit of a signed-in page in Debian's Chromium over a throttled network (DevTools'
// "Fast 3G" profile, set through the DevTools protocol), with an empty cache: when the HTML
// arrived, first contentful paint, when the page became interactive (`<body data-hydrated>`),
// and the bytes that crossed the network per kind of resource. Reports; asserts nothing.
// Usage: node first_visit.mjs BASE_URL COOKIE(name=value) PATH
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

// Playwright is installed with the end-to-end tests (scripts/setup), not here.
const require = createRequire(fileURLToPath(new URL('../../end2end/package.json', import.meta.url)));
const { chromium } = require('@playwright/test');

const [base, cookie, path] = process.argv.slice(2);
if (!base || !cookie || !path) {
  console.error('usage: node first_visit.mjs BASE_URL COOKIE PATH');
  process.exit(2);
}
// Chromium's own preset (front_end/core/sdk/NetworkManager.ts): 1.6 Mbit/s down, 750 kbit/s up,
// each scaled by 0.9, and 150 ms of round trip scaled by 3.75.
const FAST_3G = {
  offline: false,
  downloadThroughput: ((1.6 * 1000 * 1000) / 8) * 0.9,
  uploadThroughput: ((750 * 1000) / 8) * 0.9,
  latency: 150 * 3.75,
};

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
});
const context = await browser.newContext();
const [name, ...rest] = cookie.split('=');
await context.addCookies([{ name, value: rest.join('='), url: base }]);
const page = await context.newPage();
const cdp = await context.newCDPSession(page);
await cdp.send('Network.enable');
await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
await cdp.send('Network.emulateNetworkConditions', FAST_3G);

const kinds = new Map();
const bytesByKind = {};
cdp.on('Network.responseReceived', (e) => kinds.set(e.requestId, e.type));
cdp.on('Network.loadingFinished', (e) => {
  const kind = kinds.get(e.requestId) || 'Other';
  bytesByKind[kind] = (bytesByKind[kind] || 0) + e.encodedDataLength;
});

const started = Date.now();
await page.goto(base + path, { waitUntil: 'commit', timeout: 120_000 });
await page.waitForSelector('body[data-hydrated]', { timeout: 120_000 });
const interactive = Date.now() - started;
const timing = await page.evaluate(() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const paint = performance.getEntriesByName('first-contentful-paint')[0];
  return {
    html: nav.responseEnd,
    domContentLoaded: nav.domContentLoadedEventEnd,
    firstContentfulPaint: paint ? paint.startTime : null,
  };
});
const ms = (v) => (v == null ? 'n/a' : `${Math.round(v)} ms`);
const kib = (v) => `${Math.round(v / 1024)} KiB`;
console.log(`first visit of ${path} on Fast 3G (empty cache):`);
console.log(`  HTML received:          ${ms(timing.html)}`);
console.log(`  first contentful paint: ${ms(timing.firstContentfulPaint)}`);
console.log(`  DOMContentLoaded:       ${ms(timing.domContentLoaded)}`);
console.log(`  interactive (hydrated): ${ms(interactive)}`);
const total = Object.values(bytesByKind).reduce((a, b) => a + b, 0);
const parts = Object.entries(bytesByKind)
  .sort((a, b) => b[1] - a[1])
  .map(([k, v]) => `${k} ${kib(v)}`);
console.log(`  transferred:            ${kib(total)} (${parts.join(', ')})`);
await browser.close();
