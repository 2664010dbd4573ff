import { test, expect } from '@playwright/test';
import { hydrated, signIn, unique } from './helpers/sign-in.mjs';

// The browser bundle is split (src/ui/pages/later.rs): the dashboard needs only the main file,
// other pages come in groups fetched when first wanted.
const groupFile = (url) => /\/pkg\/(split_|chunk_)[^/]*\.wasm$/.test(url);
// What a page's HTML asks the browser to preload.
const preloads = (html) => [...html.matchAll(/<link[^>]*>/g)]
  .map((match) => match[0])
  .filter((link) => /rel="preload"/.test(link))
  .map((link) => link.match(/href="([^"]+)"/)[1]);

test('the dashboard loads only the main bundle; a group arrives on a link\'s hover and opens without a reload', async ({ page }) => {
  await signIn(page, unique('groups'));

  const fetched = [];
  page.on('request', (request) => {
    if (groupFile(request.url())) fetched.push(new URL(request.url()).pathname);
  });
  await page.goto('/dashboard');
  await hydrated(page);
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
  expect(fetched, 'the dashboard needs no group').toEqual([]);

  await page.evaluate(() => { window.__sameDocument = true; });
  const clients = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clients' });
  await clients.hover();
  await expect.poll(() => fetched.some((path) => path.includes('split_people'))).toBe(true);
  await clients.click();
  await expect(page).toHaveURL(/\/clients$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Clients' })).toBeVisible();
  expect(await page.evaluate(() => window.__sameDocument)).toBe(true);

  // Straight to a page of another group: the page names its group's files for the browser to
  // fetch at once, and the page works once they are in.
  const preloaded = [];
  page.on('response', (response) => {
    if (groupFile(response.url())) preloaded.push(new URL(response.url()).pathname);
  });
  const response = await page.goto('/reminders');
  const html = await response.text();
  expect(preloads(html).some((href) => /^\/pkg\/split_settings[^/]*\.wasm$/.test(href))).toBe(true);
  await hydrated(page);
  expect(preloaded.some((path) => path.includes('split_settings'))).toBe(true);
  await expect(page.getByRole('heading', { level: 1, name: 'Reminders' })).toBeVisible();
});

// Every answer names its group's files, also for the pages sent whole once rendered: Leptos'
// own links for them were missing from about one answer in thirty (src/ui/pages/later.rs,
// preload_links).
test('every answer of a grouped page preloads its group, signed in or not', async ({ page }) => {
  const groups = { '/privacy': 'split_rare', '/terms': 'split_rare', '/pricing': 'split_welcome', '/sign-in': 'split_welcome' };
  const check = async () => {
    for (const [path, group] of Object.entries(groups)) {
      for (let i = 0; i < 30; i++) {
        const html = await (await page.request.get(path)).text();
        const files = preloads(html);
        expect(files.filter((href) => href.includes(group)), `${path}, answer ${i + 1}`).toHaveLength(1);
        expect(new Set(files).size, `${path}: no file twice`).toBe(files.length);
      }
    }
  };
  await check();
  await signIn(page, unique('preloads'));
  await check();
});
