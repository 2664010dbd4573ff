// Signing in through the real login-link flow and the dev outbox, shared by the specs.
import { expect } from '@playwright/test';

// Each run uses fresh addresses: the server's database lives as long as the test run.
export const unique = (prefix) => `${prefix}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;

// Each test is its own client behind the proxy the server trusts (scripts/test), so the
// per-address sign-in limits count each test, not the whole run.
export async function asNewClient(page) {
  const octet = () => Math.floor(Math.random() * 254) + 1;
  await page.setExtraHTTPHeaders({ 'x-forwarded-for': `198.18.${octet()}.${octet()}` });
}

export async function requestLink(page, email) {
  await asNewClient(page);
  await page.goto('/sign-in?next=/account');
  // The hidden time zone is filled in by the hydrated WebAssembly.
  await expect(page.locator('input[name="time_zone"]')).not.toHaveValue('');
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
  await expect(page.getByRole('heading', { name: 'Check your inbox' })).toBeVisible();
  await expect(page.getByText(`We sent a sign-in link to ${email}`)).toBeVisible();
}

export async function linkFromOutbox(page, email) {
  await page.getByRole('link', { name: 'dev outbox' }).click();
  await expect(page.getByRole('heading', { name: 'Dev outbox' })).toBeVisible();
  const item = page.locator('.outbox-item', { hasText: email }).first();
  await item.getByRole('button').click();
  const text = await item.locator('.outbox-text').textContent();
  const match = text.match(/https?:\/\/\S+\/auth\/link\?token=[A-Za-z0-9_-]{43}/);
  expect(match, text).not.toBeNull();
  return match[0];
}

// Requests a link, follows it from the outbox, and lands on the account page.
export async function signIn(page, email) {
  await requestLink(page, email);
  await page.goto(await linkFromOutbox(page, email));
  await page.getByRole('button', { name: 'Continue to PayTrack' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Your account' })).toBeVisible();
}

// Waits until the WebAssembly has taken over the page (after a full page load).
export async function hydrated(page) {
  await page.locator('body[data-hydrated]').waitFor();
}
