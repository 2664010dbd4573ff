// A price reduction agreed after an invoice went: the folded "Reduce by a credit note" form
// on the invoice page refuses what can't be taken off on its field, then issues the credit
// note — listed with its download, taken off the invoice paper's amount due and the payment
// form's, and emailed to the client — all without a page reload; the client's page lists it
// for them to download.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test, expect } from '@playwright/test';
import { sentInvoice } from './helpers/books.mjs';
import { watchForErrors } from './helpers/browser.mjs';
import { signIn, unique } from './helpers/sign-in.mjs';

const pdfText = (path) => execFileSync('pdftotext', ['-layout', path, '-']).toString();

test('part of a sent invoice is taken off by a credit note', async ({ page }) => {
  const errors = watchForErrors(page);
  await signIn(page, unique('reduce'));
  const { paper, number } = await sentInvoice(page, {
    client: { name: 'Umbrella', emails: 'ap@umbrella.test' },
    line: { description: 'Audit', quantity: '3', unit_price: '400' },
    dueIn: 30,
  });

  // Folded until asked for, and opened from the keyboard.
  const form = page.locator('details.reduce');
  await expect(form.getByLabel(/Amount to take off/)).toBeHidden();
  await form.locator('summary').focus();
  await page.keyboard.press('Enter');
  const amount = form.getByLabel(/Amount to take off/);
  await expect(amount).toBeVisible();

  // More than is owed, and no reason: both said on their fields before any question, and
  // nothing issued.
  let question = '';
  page.on('dialog', (dialog) => { question = dialog.message(); dialog.accept(); });
  await amount.fill('5000');
  await form.getByRole('button', { name: 'Issue credit note' }).click();
  await expect(amount).toHaveAttribute('aria-invalid', 'true');
  await expect(form.locator('#reduce-amount-error')).toContainText('more than the €1,200.00 still owed');
  await expect(form.locator('#reduce-reason-error')).toContainText('Say why');
  await expect(page.getByRole('region', { name: 'Credit notes' })).toHaveCount(0);
  expect(question).toBe('');

  await amount.fill('300');
  await form.getByLabel(/Reason/).fill('One audit day fewer');
  await form.getByRole('button', { name: 'Issue credit note' }).click();
  await expect.poll(() => question).toContain('taking €300.00 off this invoice for Umbrella');
  const notes = page.getByRole('region', { name: 'Credit notes' });
  await expect(notes).toContainText('CN-0001');
  await expect(notes).toContainText('−€300.00 (One audit day fewer). Left to pay after it: €900.00; emailed to ap@umbrella.test.');
  await expect(paper.getByRole('row', { name: /Credit note CN-0001/ })).toContainText('−€300.00');
  await expect(paper.locator('.paper-due')).toHaveText('€900.00');
  await expect(paper.locator('.status')).toHaveText('Open');
  await expect(page.getByLabel(/^Amount \(EUR\)/)).toHaveValue('900.00');
  // Reduced, it is no longer voided in full.
  await expect(page.getByRole('button', { name: 'Void' })).toHaveCount(0);

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    notes.getByRole('link', { name: 'Download credit note CN-0001' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('CN-0001.pdf');
  const text = pdfText(await download.path());
  for (const expected of ['CREDIT NOTE', `Reduction of invoice ${number}: One audit day fewer`, '−€300.00',
    'Total credited', 'REDUCES']) {
    expect(text, expected).toContain(expected);
  }
  const clientsLink = await page.locator('#public-link').inputValue();
  // The register of credit notes, from the invoice list.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Invoices' }).click();
  const [sheet] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Credit notes CSV' }).click(),
  ]);
  expect(sheet.suggestedFilename()).toMatch(/^paytrack-credit-notes-\d{4}-\d{2}-\d{2}\.csv$/);
  const register = readFileSync(await sheet.path(), 'utf8');
  expect(register).toContain(`CN-0001,`);
  expect(register).toContain(`,reduces,${number},`);
  expect(register).toContain(',One audit day fewer,EUR,300.00,0.00,300.00,ap@umbrella.test');
  expect(await page.evaluate(() => window.__noReload)).toBe(true);

  // The client's page lists it too, to download from their link.
  await page.goto(clientsLink);
  const theirs = page.getByRole('region', { name: 'Credit notes' });
  await expect(theirs).toContainText('CN-0001');
  await expect(theirs).toContainText('−€300.00 (One audit day fewer). Left to pay after it: €900.00.');
  await expect(page.locator('.paper-due')).toHaveText('€900.00');
  const [clientsCopy] = await Promise.all([
    page.waitForEvent('download'),
    theirs.getByRole('link', { name: 'Download credit note CN-0001' }).click(),
  ]);
  expect(clientsCopy.suggestedFilename()).toBe('CN-0001.pdf');
  expect(pdfText(await clientsCopy.path())).toContain(`Reduction of invoice ${number}: One audit day fewer`);

  await page.goto('/dev/outbox');
  await expect(page.locator('.outbox-item').filter({ hasText: 'Credit note CN-0001' }).first())
    .toContainText('Attached: CN-0001.pdf');
  expect(errors).toEqual([]);
});
