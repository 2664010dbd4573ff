// The Crisp support chat against a stand-in for Crisp's loader script (these machines cannot
// reach Crisp): it records the commands PayTrack gives Crisp, across page loads.
import { test, expect } from '@playwright/test';
import { hydrated, signIn, unique } from './helpers/sign-in.mjs';

// Plays Crisp's l.js: takes the queued commands, then every later push, and hands them to
// the test. Like Crisp, it keeps its session in a cookie (on the domain it is told) and in
// local storage.
const CRISP_STAND_IN = `
  (function () {
    var queued = Array.isArray(window.$crisp) ? window.$crisp : [];
    var record = function (command) { window.recordCrisp(JSON.stringify(command)); };
    window.$crisp = { push: record };
    record(['loaded', window.CRISP_WEBSITE_ID]);
    queued.forEach(record);
    var name = 'crisp-client%2Fsession%2F' + window.CRISP_WEBSITE_ID;
    document.cookie = name + '=session_of_the_last_user; path=/; max-age=3600; domain=' +
      window.CRISP_COOKIE_DOMAIN;
    localStorage.setItem('crisp-client/session/' + window.CRISP_WEBSITE_ID, 'last user');
  })();`;

const crispCookies = async (page) =>
  (await page.context().cookies()).filter((c) => c.name.startsWith('crisp-client'));
const crispStorage = (page) =>
  page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('crisp-client')));

test('the chat loads only when opened, knows who writes, and is reset on sign-out', async ({ page }) => {
  const commands = [];
  let loads = 0;
  await page.exposeFunction('recordCrisp', (json) => commands.push(JSON.parse(json)));
  await page.route('https://client.crisp.chat/**', (route) => {
    loads += 1;
    return route.fulfill({ contentType: 'application/javascript', body: CRISP_STAND_IN });
  });

  const email = unique('chat');
  await signIn(page, email);
  await expect(page.getByRole('button', { name: 'Chat with support' })).toBeVisible();
  expect(loads, 'nothing of Crisp before the chat is opened').toBe(0);

  // The button works once the page is interactive (a click before that does nothing).
  await hydrated(page);
  await page.getByRole('button', { name: 'Chat with support' }).click();
  await expect.poll(() => commands.length).toBeGreaterThanOrEqual(4);
  expect(loads).toBe(1);
  expect(commands[0][0]).toBe('loaded');
  expect(commands).toContainEqual(['set', 'user:email', [email]]);
  expect(commands).toContainEqual(['do', 'chat:open']);

  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect(page).toHaveURL(/\/$/);
  expect(commands.at(-1)).toEqual(['do', 'session:reset']);
  // Signed out, there is no chat button and nothing of Crisp loads.
  await expect(page.getByRole('link', { name: 'Sign in' }).first()).toBeVisible();
  await expect(page.getByRole('button', { name: 'Chat with support' })).toHaveCount(0);
  expect(loads).toBe(1);
});

test('a chat opened before the last page load is forgotten on sign-out too', async ({ page }) => {
  let loads = 0;
  await page.exposeFunction('recordCrisp', () => {});
  await page.route('https://client.crisp.chat/**', (route) => {
    loads += 1;
    return route.fulfill({ contentType: 'application/javascript', body: CRISP_STAND_IN });
  });

  await signIn(page, unique('chat-reload'));
  await hydrated(page);
  await page.getByRole('button', { name: 'Chat with support' }).click();
  await expect.poll(() => crispCookies(page).then((c) => c.length)).toBe(1);
  expect(await crispStorage(page)).toHaveLength(1);

  // A full page load: Crisp is no longer on the page, but its session is in the browser.
  await page.reload();
  await expect(page.getByRole('button', { name: 'Chat with support' })).toBeVisible();
  expect(loads).toBe(1);
  expect(await crispCookies(page)).toHaveLength(1);

  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect(page).toHaveURL(/\/$/);
  expect(await crispCookies(page)).toEqual([]);
  expect(await crispStorage(page)).toEqual([]);
});
