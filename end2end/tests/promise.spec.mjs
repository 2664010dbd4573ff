// A promise to pay: the client, on the invoice's page and without an account, names the day
// they will pay; the owner sees it on the invoice with reminders waiting until the morning
// after, and can clear it to chase as before.
import { test, expect } from '@playwright/test';
import { watchForErrors } from './helpers/browser.mjs';
import { hydrated, signIn, unique } from './helpers/sign-in.mjs';
import { clientAndInvoice } from './helpers/books.mjs';

/** `days` from today as the date input writes it, in the browser's zone. */
const dayFromToday = (days) => {
  const at = new Date();
  at.setDate(at.getDate() + days);
  const pad = (n) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
};

test('a client promises a day on the invoice page and the owner sees reminders wait', async ({ page, browser }) => {
  test.setTimeout(60_000);
  await signIn(page, unique('promise'));
  const errors = watchForErrors(page);
  const id = await clientAndInvoice(page, {
    client: { name: 'Zoë Ångström', emails: 'zoe@promise.test' },
    line: { description: 'Brand book', quantity: '1', unit_price: '900' },
    dueIn: 3,
  });
  await page.goto(`/invoices/${id}`);
  await hydrated(page);
  await page.getByRole('button', { name: 'Send to client' }).click();
  const reminders = page.getByRole('region', { name: 'Emails and reminders' });
  await expect(reminders.getByRole('status')).toContainText('Reminders are on. Next:');
  const link = await page.getByLabel('Client link').inputValue();

  // The client, signed out in their own browser.
  const theirs = await browser.newContext();
  const client = await theirs.newPage();
  const clientErrors = watchForErrors(client);
  await client.goto(link);
  await hydrated(client);
  const box = client.getByRole('region', { name: "Can't pay today?" });
  const day = box.getByLabel(/the day you will pay by/);
  // Further than the owner allows is refused, with the reason.
  await day.fill(dayFromToday(45));
  await box.getByRole('button', { name: "I'll pay by this day" }).click();
  await expect(box.getByRole('alert')).toContainText('within 30 days');
  await day.fill(dayFromToday(10));
  await box.getByRole('button', { name: "I'll pay by this day" }).click();
  await expect(box.getByRole('status')).toContainText('You said you will pay by');
  await expect(box.getByRole('button', { name: "I'll pay by this day" })).toHaveCount(0);
  await expect(box.locator('#promise-error')).toHaveText('');
  await theirs.close();

  // The owner: reminders wait, and clearing the promise starts them again.
  await page.reload();
  await hydrated(page);
  await expect(reminders.getByRole('status')).toContainText('Your client promised to pay by');
  await expect(reminders.locator('.promise')).toContainText('Your client promised on');
  await reminders.getByRole('button', { name: 'Clear the promise' }).click();
  await expect(reminders.getByRole('status')).toContainText('Reminders are on. Next:');
  await expect(reminders.locator('.promise')).toHaveCount(0);
  expect(errors).toEqual([]);
  expect(clientErrors.filter((e) => !e.includes('400'))).toEqual([]);
});
