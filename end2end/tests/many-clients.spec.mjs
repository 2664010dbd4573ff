// Someone with more clients than a page shows: the client list grows fifty at a time, and
// the invoice editor finds a client its picker does not list.
import { test, expect } from '@playwright/test';
import { watchForErrors } from './helpers/browser.mjs';
import { upgradeToPro } from './helpers/plans.mjs';
import { hydrated, signIn, unique } from './helpers/sign-in.mjs';

// Imports `count` clients named `prefix 0000`, `prefix 0001`, … through the import the
// clients page uses.
async function importClients(page, prefix, count) {
  const added = await page.evaluate(async ({ prefix, count }) => {
    const rows = Array.from({ length: count }, (_, n) => {
      const number = String(n).padStart(4, '0');
      return `${prefix} ${number},${prefix.toLowerCase()}${number}@clients.test`;
    });
    const answer = await fetch('/api/clients/import', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ csv: `name,email\n${rows.join('\n')}\n` }),
    });
    return answer.json();
  }, { prefix, count });
  expect(added).toBe(count);
}

test('a thousand clients: the list shows more on asking, the editor and the filter find the rest', async ({ page, request }) => {
  test.setTimeout(120_000);
  await signIn(page, unique('many'));
  const errors = watchForErrors(page);
  await upgradeToPro(page, request);
  await importClients(page, 'Client', 1000);
  await importClients(page, 'Zed', 1);

  await page.goto('/clients');
  await hydrated(page);
  const rows = page.locator('.data-table tbody tr');
  await expect(rows).toHaveCount(50);
  await expect(rows.last()).toContainText('Client 0049');
  await page.getByRole('button', { name: 'Show more clients' }).click();
  await expect(rows).toHaveCount(100);
  await expect(rows.nth(50)).toContainText('Client 0050');

  // The editor's picker lists the first thousand by name; a search finds the one after them.
  await page.goto('/invoices/new');
  await hydrated(page);
  const picker = page.getByLabel('Client', { exact: true });
  await expect(picker.locator('option', { hasText: 'Zed 0000' })).toHaveCount(0);
  await expect(page.getByText('first 1,000 clients by name')).toBeVisible();
  await page.getByLabel('Find a client').fill('zed');
  await expect(page.getByText('One client matches')).toBeVisible();
  await picker.selectOption({ label: 'Zed 0000' });
  await page.getByLabel('Line 1 description').fill('Design');
  await page.getByLabel('Line 1 unit price').fill('300');
  await page.getByRole('button', { name: 'Save draft' }).click();
  await expect(page).toHaveURL(/\/invoices\/[0-9a-f]{24}$/);
  await expect(page.getByRole('article', { name: /^Invoice / })).toContainText('Zed 0000');

  // The invoice list filtered by that client names it in its filter.
  const clientPage = await page.getByRole('link', { name: 'Zed 0000' }).first().getAttribute('href');
  const zed = clientPage.split('/').pop();
  await page.goto(`/invoices?client=${zed}`);
  await hydrated(page);
  await expect(page.locator('.data-table tbody tr')).toHaveCount(1);
  await expect(page.getByLabel('Client', { exact: true }).locator('option:checked')).toHaveText('Zed 0000');
  await page.locator('.data-table tbody tr').first().getByRole('link').first().click();
  await expect(page).toHaveURL(/\/invoices\/[0-9a-f]{24}$/);

  // Editing that draft offers its client again, though the picker's thousand do not hold it.
  await page.getByRole('link', { name: 'Edit', exact: true }).click();
  await expect(page.getByLabel('Client', { exact: true })).toHaveValue(/^[0-9a-f]{24}$/);
  await expect(page.getByLabel('Client', { exact: true }).locator('option:checked')).toHaveText('Zed 0000');
  expect(errors).toEqual([]);
});
