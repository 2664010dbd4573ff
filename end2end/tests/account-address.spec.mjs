// Changing the sign-in address in Chromium: asked on the account page, confirmed from the
// link in the email to the new address, then signing in with it.
import { test, expect } from '@playwright/test';
import { hydrated, signIn, unique } from './helpers/sign-in.mjs';

async function linkInOutbox(page, to, pattern) {
  await page.goto('/dev/outbox');
  // A click before the WebAssembly takes over lands on the server's HTML and opens nothing.
  await hydrated(page);
  const item = page.locator('.outbox-item', { hasText: to }).first();
  await item.getByRole('button').click();
  const text = await item.locator('.outbox-text').textContent();
  const match = text.match(pattern);
  expect(match, text).not.toBeNull();
  return match[0];
}

test('a user moves their account to a new address, confirmed by a link sent there', async ({ page }) => {
  const before = unique('move');
  const after = unique('moved');
  await signIn(page, before);

  await page.getByLabel('New email address').fill('not an address');
  await page.getByRole('button', { name: 'Send confirmation link' }).click();
  await expect(page.locator('#new-address-error')).toContainText('needs an @');

  await page.getByLabel('New email address').fill(after.toUpperCase());
  await page.getByRole('button', { name: 'Send confirmation link' }).click();
  await expect(page.getByRole('status').filter({ hasText: `We sent a confirmation link to ${after}` })).toBeVisible();
  await expect(page.locator('.identity')).toContainText(before);

  const link = await linkInOutbox(page, after, /https?:\/\/\S+\/account\/address\?token=[A-Za-z0-9_-]{43}/);
  await page.goto(link);
  await expect(page.getByText(`From now on you will sign in to PayTrack as ${after}`)).toBeVisible();
  await page.getByRole('button', { name: 'Use this address' }).click();
  await expect(page).toHaveURL(/\/account\?address=changed$/);
  await expect(page.getByText('Your sign-in address is changed.')).toBeVisible();
  await expect(page.locator('.identity')).toContainText(after);

  // The old address was told; the used link no longer works.
  await page.goto('/dev/outbox');
  await expect(page.locator('.outbox-item', { hasText: before }).filter({ hasText: 'security notice' }).first()).toBeVisible();
  await page.goto(link);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('This link no longer works');

  // Signed out, the new address signs in to the same account.
  await page.goto('/account');
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect(page).toHaveURL(/\/$/);
  await signIn(page, after);
  await expect(page.locator('.identity')).toContainText(after);
});
