// Chasing that listens: the client answers the invoice email (locally, from the dev outbox,
// which hands the reply over exactly as Resend's inbound webhook does), the invoice's
// reminders wait, the reply shows on the invoice's page, and resuming starts them again.
import { test, expect } from '@playwright/test';
import { watchForErrors } from './helpers/browser.mjs';
import { hydrated, signIn, unique } from './helpers/sign-in.mjs';
import { clientAndInvoice } from './helpers/books.mjs';

test("a client's reply holds the reminders and shows on the invoice", async ({ page }) => {
  await signIn(page, unique('replies'));
  const errors = watchForErrors(page);
  const id = await clientAndInvoice(page, {
    client: { name: 'Zoë Ångström', emails: 'zoe@replies.test' },
    line: { description: 'Brand book', quantity: '1', unit_price: '900' },
    dueIn: 10,
  });
  await page.goto(`/invoices/${id}`);
  await hydrated(page);
  await page.getByRole('button', { name: 'Send to client' }).click();
  const reminders = page.getByRole('region', { name: 'Emails and reminders' });
  await expect(reminders.getByRole('status')).toContainText('Reminders are on. Next:');

  // The client answers the invoice email.
  await page.goto('/dev/outbox');
  await hydrated(page);
  const email = page.locator('.outbox-item[data-kind="invoice"]').filter({ hasText: 'zoe@replies.test' }).first();
  await email.locator('.outbox-summary').click();
  await email.getByLabel('Reply as the client').fill("Paying Friday — the PO number was wrong, sorry!");
  await email.getByRole('button', { name: 'Send the reply' }).click();
  await expect(email.getByRole('status')).toContainText('reminders are on hold');

  // The owner sees it on the invoice, with chasing held, and resumes.
  await page.goto(`/invoices/${id}`);
  await hydrated(page);
  await expect(reminders.getByRole('status')).toContainText('Your client replied on');
  const replies = reminders.getByRole('list', { name: 'Replies from your client, newest first' });
  await expect(replies).toContainText('zoe@replies.test');
  await expect(replies).toContainText('Paying Friday — the PO number was wrong, sorry!');
  await reminders.getByRole('button', { name: 'Resume reminders' }).click();
  await expect(reminders.getByRole('status')).toContainText('Reminders are on. Next:');
  await expect(reminders.locator('.timeline-item[data-step="reminder:-3"]')).toHaveAttribute('data-status', 'Planned');
  expect(errors).toEqual([]);
});
