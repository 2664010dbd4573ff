import { test, expect } from '@playwright/test';
import { watchForErrors } from './helpers/browser.mjs';
import { hydrated, signIn, unique } from './helpers/sign-in.mjs';
import { clientAndInvoice, dateIn } from './helpers/books.mjs';

test('edit the reminder policy, preview an invoice timeline, pause, snooze and resume it', async ({ page }) => {
  await signIn(page, unique('reminders'));
  const errors = watchForErrors(page);

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Reminders', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Reminders' })).toBeVisible();
  const steps = page.locator('.policy-step');
  await expect(steps).toHaveCount(5);
  const last = steps.last();
  await expect(last.locator('legend')).toHaveText('14 days after due');

  // An unknown variable is refused with the list of known ones, and nothing is saved.
  await last.getByLabel('Message').fill('Please pay {{amount}} now.');
  await page.getByRole('button', { name: 'Save reminders' }).click();
  const bodyError = last.locator('[id$="-body-error"]');
  await expect(bodyError).toContainText('“{{amount}}” is not a variable PayTrack knows');
  await expect(bodyError).toContainText('{{amount_due}}');
  await expect(last.getByLabel('Message')).toHaveAttribute('aria-invalid', 'true');

  // Fixed, moved to day 10, sent at 10:00.
  await last.getByLabel('Message').fill('Hi {{client_name}}, {{amount_due}} is now {{days_overdue}} days late: {{pay_link}}');
  await last.getByLabel('Days from the due date').fill('10');
  await expect(last.locator('legend')).toHaveText('10 days after due');
  await page.getByLabel('Send reminders at').selectOption('10');
  await page.getByRole('button', { name: 'Save reminders' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
  await expect(bodyError).toBeEmpty();

  // A client and an invoice due in ten days, through the same server functions the pages use.
  const id = await clientAndInvoice(page, {
    client: { name: 'Lovelace Labs', emails: 'accounts@lovelace.test' },
    line: { description: 'Analysis', quantity: '4', unit_price: '125' },
    dueIn: 10,
  });
  expect(id).toMatch(/^[0-9a-f]{24}$/);

  await page.goto(`/invoices/${id}`);
  await hydrated(page);
  const reminders = page.getByRole('region', { name: 'Emails and reminders' });
  await expect(reminders.getByRole('status')).toHaveText('Reminders start once the invoice is sent.');
  await page.getByRole('button', { name: 'Send to client' }).click();

  // The invoice email went out; five reminders are planned, the last one at 10:00 on day 20.
  const item = (step) => reminders.locator(`.timeline-item[data-step="${step}"]`);
  await expect(item('invoice')).toHaveAttribute('data-status', 'Sent');
  await expect(item('invoice')).toContainText('To accounts@lovelace.test');
  await expect(item('invoice').locator('.email-id')).toHaveText(/^Email id [0-9a-f]{24}$/);
  await expect(reminders.locator('.timeline-item')).toHaveCount(6);
  for (const step of ['reminder:-3', 'reminder:0', 'reminder:3', 'reminder:7', 'reminder:10']) {
    await expect(item(step)).toHaveAttribute('data-status', 'Planned');
  }
  await expect(item('reminder:10').locator('.timeline-when')).toHaveText(/, 10:00$/);
  await expect(reminders.getByRole('status')).toContainText('Reminders are on. Next:');

  // The rendered email, as the client will read it.
  await item('reminder:10').getByRole('button', { name: 'Show the email' }).click();
  await expect(item('reminder:10').locator('iframe')).toBeVisible();
  await item('reminder:10').getByText('Plain-text version').click();
  await expect(item('reminder:10').locator('pre')).toContainText('Hi Lovelace Labs, €500.00 is now 10 days late: http');

  // Pause: nothing planned any more, and the timeline says why.
  await reminders.getByRole('button', { name: 'Pause reminders' }).click();
  await expect(reminders.getByRole('status')).toHaveText('Reminders are paused. Resume to pick up with the next one due.');
  await expect(item('reminder:0')).toHaveAttribute('data-status', 'Skipped');
  await expect(item('reminder:0')).toContainText('reminders are paused for this invoice');

  // Resume, then snooze past the first two reminders.
  await reminders.getByRole('button', { name: 'Resume reminders' }).click();
  await expect(reminders.getByRole('status')).toContainText('Reminders are on.');
  await expect(item('reminder:-3')).toHaveAttribute('data-status', 'Planned');
  await reminders.getByLabel('Snooze until').fill(dateIn(12));
  await reminders.getByRole('button', { name: 'Snooze', exact: true }).click();
  await expect(reminders.getByRole('status')).toContainText('Snoozed: no reminder before');
  await reminders.getByRole('button', { name: 'Resume reminders' }).click();
  await expect(reminders.getByRole('status')).toContainText('Reminders are on.');

  // The client's name leads to their page, where their reminders are switched off; back on the
  // invoice, the state says so and links to the page that switches them on again.
  await page.evaluate(() => { window.__noReload = true; });
  await page.getByRole('heading', { level: 1 }).getByRole('link', { name: 'Lovelace Labs' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Lovelace Labs' })).toBeVisible();
  await page.getByRole('button', { name: 'Edit', exact: true }).click();
  await page.getByLabel('Send this client payment reminders').uncheck();
  await page.getByRole('button', { name: 'Save client' }).click();
  await expect(page.locator('.details')).toContainText('RemindersOff');
  await page.goBack();
  await expect(reminders.getByRole('status')).toHaveText("Reminders are off for this client; switch them on from the client's page. Open the client's page");
  await expect(item('reminder:10')).toHaveAttribute('data-status', 'Skipped');
  await reminders.getByRole('status').getByRole('link', { name: "Open the client's page" }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Lovelace Labs' })).toBeVisible();
  expect(await page.evaluate(() => window.__noReload)).toBe(true);

  expect(errors).toEqual([]);
});
