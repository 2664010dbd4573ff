import { test, expect } from '@playwright/test';

test('Continue with Google lands signed in, with name and picture', async ({ page }) => {
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
  await expect(picture).toHaveAttribute('src', /\/favicon\.svg$/);
  await expect.poll(() => picture.evaluate((img) => img.naturalWidth)).toBeGreaterThan(0);
});
