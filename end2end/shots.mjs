import { createRequire } from 'module';
const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
const base = 'http://127.0.0.1:3200';
const cookie = process.argv[2];
const widths = [390, 1280];
const pages = process.argv.slice(3);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
for (const w of widths) {
  const ctx = await browser.newContext({ viewport: { width: w, height: w < 500 ? 844 : 900 }, deviceScaleFactor: 1 });
  await ctx.addCookies([{ name: 'paytrack_session', value: cookie, url: base }]);
  const page = await ctx.newPage();
  page.on('console', m => { if (m.type() === 'error') console.log('console error', m.text()); });
  for (const p of pages) {
    await page.goto(base + p);
    await page.waitForSelector('body[data-hydrated]', { timeout: 15000 }).catch(() => console.log('not hydrated', p));
    await page.waitForTimeout(300);
    const name = `/tmp/shots/${w}${p.replace(/[\/?=&]/g, '_')}.png`;
    await page.screenshot({ path: name, fullPage: true });
    console.log(name);
  }
  await ctx.close();
}
await browser.close();
