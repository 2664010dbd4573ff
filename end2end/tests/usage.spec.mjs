import { test, expect } from '@playwright/test';
import { watchForErrors } from './helpers/browser.mjs';
import { hydrated, signIn } from './helpers/sign-in.mjs';

// scripts/test lists this address in PAYTRACK_OPERATORS.
const operator = process.env.PAYTRACK_E2E_OPERATOR;

test('an operator sees usage drawn per day, and the page is theirs alone', async ({ page }) => {
  expect(operator, 'PAYTRACK_E2E_OPERATOR is set by scripts/test').toBeTruthy();
  await signIn(page, operator);
  const errors = watchForErrors(page);

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Usage' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Usage' })).toBeVisible();
  await hydrated(page);
  // Earlier specs signed people up today: the count is drawn and readable as a table.
  await expect(page.getByTestId('sign-ups')).not.toHaveText('0');
  const charts = page.locator('figure.chart-daily');
  await expect(charts).toHaveCount(5);
  // Every user's events on one calendar, which says whose.
  await expect(page.getByText('Each day runs from midnight to midnight UTC.')).toBeVisible();
  await expect(charts.first().locator('svg[role="img"] title').first()).toContainText('Sign-ups per day');
  await expect(charts.first().locator('table caption')).toHaveText('Sign-ups per day');
  await expect(page.locator('[data-plan="Free"]')).toBeVisible();
  await expect(page.locator('[data-plan="Pro"]')).toBeVisible();
  expect(errors).toEqual([]);
});
