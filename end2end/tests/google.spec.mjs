import { test, expect } from '@playwright/test';
import { readFile } from 'node:fs/promises';

test('Continue with Google lands signed in, with name and picture, and the picture can go', async ({ page }) => {
  // Google's image host, played by PayTrack's own icon (these machines cannot reach Google).
  const icon = await readFile(new URL('../../public/favicon.svg', import.meta.url));
  await page.route('https://lh3.googleusercontent.com/**', (route) =>
    route.fulfill({ contentType: 'image/svg+xml', body: icon }));

  await page.goto('/sign-in?next=/account');
  await expect(page.locator('input[name="time_zone"]')).not.toHaveValue('');
  await page.getByRole('link', { name: 'Continue with Google' }).click();

  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Your account' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Account: Grace Google' })).toBeVisible();
  await expect(page.locator('.identity')).toContainText('grace.google@example.com');
  await expect(page.getByText('This session signed in with Google.')).toBeVisible();
  await expect(page.getByText('Google — linked')).toBeVisible();
  const picture = page.getByRole('img', { name: 'Your profile picture' });
  await expect(picture).toHaveAttribute('src', 'https://lh3.googleusercontent.com/a/e2e-grace');
  await expect.poll(() => picture.evaluate((img) => img.naturalWidth)).toBeGreaterThan(0);

  await page.getByRole('button', { name: 'Remove picture' }).click();
  await expect(picture).toHaveCount(0);
  await page.reload();
  await expect(page.locator('.identity')).toContainText('grace.google@example.com');
  await expect(picture).toHaveCount(0);
});
