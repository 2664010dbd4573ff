import { test, expect } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { signIn, unique } from './helpers/sign-in.mjs';

test('a user downloads their data, then deletes their account', async ({ page }) => {
  const email = unique('rights');
  await signIn(page, email);

  const downloading = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Export my data' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^paytrack-export-\d{4}-\d{2}-\d{2}\.json$/);
  const exported = JSON.parse(await readFile(await download.path(), 'utf8'));
  expect(exported.account).toBe(email);
  expect(exported.data.users[0].email).toBe(email);

  await page.getByLabel('Type your email address to confirm').fill('not me');
  await page.getByRole('button', { name: 'Delete my account' }).click();
  await expect(page.locator('#confirm-error')).toHaveText("That doesn't match your email address, so nothing was deleted.");

  await page.getByLabel('Type your email address to confirm').fill(email);
  await page.getByRole('button', { name: 'Delete my account' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your account has been deleted');
  await expect(page.getByRole('link', { name: 'Sign in' })).toBeVisible();

  await page.goto('/account');
  await expect(page).toHaveURL(/\/sign-in\?next=%2Faccount$/);
  await page.goto('/dev/outbox');
  await expect(page.locator('.outbox-item', { hasText: email }).filter({ hasText: 'Your PayTrack account was deleted' })).toHaveCount(1);
});
