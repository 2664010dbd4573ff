// An invoice's life in the browser: written with live totals, sent, paid in part and in full,
// overdue before it is sent, written off; and the way in for a signed-out visitor.
import { test, expect } from '@playwright/test';
import { watchForErrors } from './helpers/browser.mjs';
import { hydrated, signIn, unique } from './helpers/sign-in.mjs';
import { clientAndInvoice, dateIn, sentInvoice } from './helpers/books.mjs';

// Reads a dashboard figure, waiting for the page to show the expected value.
async function expectStat(page, testId, value) {
  await expect(page.getByTestId(testId)).toHaveText(value);
}

async function openDashboard(page) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
}

test('a client, an invoice with live totals, sending, part and full payment, and the dashboard following', async ({ page, browser }) => {
  await signIn(page, unique('billing'));
  // Watched from here: the dev outbox used to sign in shows emails in a sandboxed frame.
  const errors = watchForErrors(page);
  // Client-side navigation from here on: a full reload would reset this marker.
  await page.evaluate(() => { window.__noReload = true; });

  await openDashboard(page);
  await expect(page.getByRole('heading', { name: 'Nothing owed yet' })).toBeVisible();
  await page.getByRole('link', { name: 'Add your first client' }).click();

  await page.getByLabel('Name').fill('Acme Corp');
  await page.getByLabel('Email', { exact: true }).fill('not an email');
  await page.getByRole('button', { name: 'Add client' }).click();
  await expect(page.locator('#new-client-emails-error')).toContainText('not an email');
  await page.getByLabel('Email', { exact: true }).fill('pay@acme.test');
  await page.getByRole('button', { name: 'Add client' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Acme Corp');
  await expect(page.getByTestId('client-balance')).toHaveText('Nothing owed');

  await page.getByRole('link', { name: 'New invoice' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'New invoice' })).toBeVisible();
  await expect(page.getByLabel('Client')).toHaveValue(/[0-9a-f]{24}/);

  const line = (n, field) => page.getByLabel(`Line ${n} ${field}`);
  await line(1, 'description').fill('Design');
  // A decimal comma, all a phone set to German or French offers on its decimal keypad.
  await line(1, 'quantity').fill('2,5');
  // Typed with its sign, as the invoice shows amounts.
  await line(1, 'unit price').fill('$80');
  await expect(page.getByTestId('total')).toHaveText('$200.00');
  await page.getByRole('button', { name: 'Add line' }).click();
  await line(2, 'description').fill('Stamps');
  await line(2, 'quantity').fill('3');
  await line(2, 'unit price').fill('0.10');
  await page.getByRole('button', { name: 'Add line' }).click();
  await line(3, 'description').fill('Hosting');
  await line(3, 'unit price').fill('12,99');
  // Reorder: hosting before stamps, by keyboard-reachable buttons.
  await page.getByRole('button', { name: 'Move line 3 up' }).click();
  await expect(line(2, 'description')).toHaveValue('Hosting');
  await expect(page.getByTestId('subtotal')).toHaveText('$213.29');
  // No discount is nothing taken off, not a negative zero.
  await expect(page.getByTestId('discount')).toHaveText('$0.00');

  await page.getByLabel('Discount', { exact: true }).selectOption('percent');
  await page.getByLabel('Discount value').fill('10');
  await page.getByLabel('Taxes').fill('Sales tax 5%');
  await expect(page.getByTestId('discount')).toHaveText('−$21.33');
  await expect(page.getByTestId('tax')).toHaveText('$9.60');
  await expect(page.getByTestId('total')).toHaveText('$201.56');
  await expect(page.getByText('Unsaved changes')).toBeVisible();

  // Following a link now asks first; saying no keeps the editor and everything typed.
  let question = '';
  page.once('dialog', (dialog) => { question = dialog.message(); dialog.dismiss(); });
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Invoices' }).click();
  await expect.poll(() => question).toContain('unsaved changes');
  await expect(page.getByRole('heading', { level: 1, name: 'New invoice' })).toBeVisible();
  await expect(page.getByTestId('total')).toHaveText('$201.56');

  await page.getByRole('button', { name: 'Save draft' }).click();
  await expect(page).toHaveURL(/\/invoices\/[0-9a-f]{24}$/);
  const paper = page.getByRole('article', { name: /^Invoice / });
  await expect(paper.locator('.status')).toHaveText('Draft');
  await expect(paper.getByRole('row', { name: /^Hosting/ })).toContainText('$12.99');
  await expect(paper.getByRole('row', { name: /^Total/ })).toContainText('$201.56');
  const number = (await paper.locator('.paper-number').textContent()).trim();
  expect(number).toMatch(/^INV-\d{4}$/);
  // A new account has neither Stripe payments (Pro) nor bank details: said before sending.
  const noWay = page.locator('.no-way-to-pay');
  await expect(noWay).toContainText("Your client won't see a way to pay this invoice");
  await expect(noWay.getByRole('link', { name: 'Business details' })).toHaveAttribute('href', '/account/business');

  await page.getByRole('button', { name: 'Send to client' }).click();
  await expect(paper.locator('.status')).toHaveText('Open');
  const link = await page.getByLabel('Client link').inputValue();
  expect(link).toMatch(/\/i\/[A-Za-z0-9_-]{43}$/);

  await openDashboard(page);
  await expectStat(page, 'outstanding-USD', '$201.56');
  await expectStat(page, 'paid-USD', '$0.00');
  const aging = page.getByRole('table', { name: 'Outstanding by age' });
  await expect(aging.getByRole('row', { name: /^Current/ })).toContainText('$201.56');
  await expect(aging.getByRole('row', { name: /^Current/ })).toContainText('1 invoice');
  // What falls due next names its client, a link to their page.
  const comingDue = page.getByRole('region', { name: 'Coming due' });
  await expect(comingDue.getByRole('link', { name: 'Acme Corp' })).toHaveAttribute('href', /^\/clients\/[0-9a-f]{24}$/);
  const clientHref = await comingDue.getByRole('link', { name: 'Acme Corp' }).getAttribute('href');
  await expect(comingDue.getByRole('link', { name: 'reminder policy' })).toHaveAttribute('href', '/reminders');
  // The whole list is a link away, with what is unpaid first by due date.
  await comingDue.getByRole('link', { name: 'Every unpaid invoice, by due date' }).click();
  await expect(page).toHaveURL(/\/invoices\?status=outstanding&sort=due&dir=asc$/);
  await expect(page.getByRole('navigation', { name: 'Invoice status' }).getByRole('link', { name: 'Outstanding' }))
    .toHaveAttribute('aria-current', 'page');
  await expect(page.locator('#invoice-row-0')).toContainText(number);
  await openDashboard(page);
  // So does what happened lately.
  const activity = page.getByRole('region', { name: 'Recent activity' });
  await expect(activity.getByRole('link', { name: 'Acme Corp' }).first()).toHaveAttribute('href', clientHref);

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Invoices' }).click();
  await page.locator('#invoice-row-0').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1 })).toContainText(number);

  await page.getByLabel('Amount (USD)').fill('250');
  await page.getByRole('button', { name: 'Record payment' }).click();
  await expect(page.locator('#payment-amount-error')).toContainText('more than the $201.56 left on this invoice');
  await page.getByLabel('Amount (USD)').fill('100');
  await page.getByRole('button', { name: 'Record payment' }).click();
  await expect(paper.locator('.status')).toHaveText('Partially paid');
  await expect(paper.locator('.paper-due')).toHaveText('$101.56');
  // The client list says what each client still owes.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clients' }).click();
  await expect(page.getByRole('row', { name: /Acme Corp/ }).locator('td[data-label="Owes"]')).toHaveText('$101.56');

  await openDashboard(page);
  await expectStat(page, 'outstanding-USD', '$101.56');
  await expectStat(page, 'paid-USD', '$100.00');
  await page.getByRole('link', { name: number }).first().click();

  // The form offers what is still owed.
  await expect(page.getByLabel('Amount (USD)')).toHaveValue('101.56');
  await page.getByRole('button', { name: 'Record payment' }).click();
  await expect(paper.locator('.status')).toHaveText('Paid');
  await expect(page.getByRole('heading', { name: 'Record a payment' })).toHaveCount(0);

  // A payment recorded by mistake comes off again, after a question: owed again, in part.
  const recorded = page.getByRole('region', { name: 'Payments you recorded' });
  await expect(recorded.getByRole('listitem')).toHaveCount(2);
  let removal = null;
  page.once('dialog', (dialog) => { removal = dialog.message(); dialog.accept(); });
  await recorded.getByRole('button', { name: /^Remove the payment of \$101\.56/ }).click();
  await expect(paper.locator('.status')).toHaveText('Partially paid');
  expect(removal).toContain('It will be owed again');
  await expect(paper.locator('.paper-due')).toHaveText('$101.56');
  await expect(recorded.getByRole('listitem')).toHaveCount(1);
  await expect(page.getByLabel('Amount (USD)')).toHaveValue('101.56');
  await page.getByRole('button', { name: 'Record payment' }).click();
  await expect(paper.locator('.status')).toHaveText('Paid');

  await openDashboard(page);
  await expectStat(page, 'outstanding-USD', '$0.00');
  await expectStat(page, 'paid-USD', '$201.56');
  await expect(page.getByRole('img', { name: /Collected per month, last 12 months: \$201\.56 in total/ })).toBeVisible();
  expect(await page.evaluate(() => window.__noReload)).toBe(true);
  expect(errors).toEqual([]);

  // The client's page, in a browser without the user's session: the invoice and nothing else.
  const client = await (await browser.newContext()).newPage();
  await client.goto(link);
  await expect(client.getByRole('article', { name: `Invoice ${number}` })).toBeVisible();
  // The page is named for what it is, from whom (the account's name, here its email's start).
  await expect(client.getByRole('heading', { level: 1 })).toHaveText(new RegExp(`^Invoice ${number} from billing-`));
  await expect(client.locator('.paper .status')).toHaveText('Paid');
  await expect(client.getByRole('link', { name: 'Dashboard' })).toHaveCount(0);
  await client.goto(link.replace(/.{5}$/, 'xxxxx'));
  await expect(client.getByRole('heading', { name: "This invoice link doesn't work any more" })).toBeVisible();

  // Money given back to the client outside Stripe is recorded against its payment: owed
  // again, with reminders waiting for the user.
  await page.getByRole('link', { name: number }).first().click();
  const first = recorded.getByRole('listitem').filter({ hasText: '$100.00 on' });
  await first.getByText('Record a refund').click();
  await expect(first.getByLabel('Amount given back (USD)')).toHaveValue('100.00');
  // Too much is said at once, before any question.
  await first.getByLabel('Amount given back (USD)').fill('120');
  await first.getByRole('button', { name: 'Record refund' }).click();
  await expect(first.getByRole('alert')).toContainText('more than the $100.00 of this payment not yet refunded');
  await first.getByLabel('Amount given back (USD)').fill('40');
  let refundQuestion = null;
  page.once('dialog', (dialog) => { refundQuestion = dialog.message(); dialog.accept(); });
  await first.getByRole('button', { name: 'Record refund' }).click();
  await expect(paper.locator('.status')).toHaveText('Partially paid');
  expect(refundQuestion).toContain('it is owed again');
  await expect(paper.locator('.paper-due')).toHaveText('$40.00');
  await expect(recorded.getByRole('listitem').filter({ hasText: '$100.00 on' })).toContainText('$40.00 refunded');
  await expect(page.getByRole('region', { name: 'Emails and reminders' }).getByRole('status')).toContainText('because you refunded a payment.');
  expect(errors).toEqual([]);
});

test('a draft whose due date has passed says so before it is sent', async ({ page }) => {
  await signIn(page, unique('late-draft'));
  const late = await clientAndInvoice(page, {
    client: { name: 'Umbrella', emails: 'ap@umbrella.test' },
    line: { description: 'Survey', quantity: '1', unit_price: '300' },
    issuedIn: -40,
    dueIn: -10,
  });
  await page.goto(`/invoices/${late}`);
  await hydrated(page);
  const due = await page.getByRole('article').locator('.paper-meta dd').nth(1).textContent();
  await expect(page.locator('.due-passed')).toContainText('has passed: sent now, it arrives already overdue');
  expect(due).toContain(dateIn(-10));
  // Edited to a day ahead, the warning goes.
  await page.getByRole('link', { name: 'Edit', exact: true }).click();
  await page.getByLabel('Due date').fill(dateIn(7));
  await page.getByRole('button', { name: 'Save draft' }).click();
  await expect(page).toHaveURL(new RegExp(`/invoices/${late}$`));
  await expect(page.locator('.no-way-to-pay')).toBeVisible();
  await expect(page.locator('.due-passed')).toHaveCount(0);
});

test('what a client will not pay is written off: not chased, not owed, payments kept; paid after all, it is recorded', async ({ page }) => {
  await signIn(page, unique('write-off'));
  const { id, paper } = await sentInvoice(page, {
    client: { name: 'Hooli', emails: 'ap@hooli.test' },
    line: { description: 'Audit', quantity: '1', unit_price: '500' },
    issuedIn: -10,
    dueIn: 20,
  });
  await page.getByLabel('Amount (EUR)').fill('200');
  await page.getByRole('button', { name: 'Record payment' }).click();
  await expect(paper.locator('.status')).toHaveText('Partially paid');

  // Dismissing the question changes nothing; accepting writes off the €300.00 left.
  let question = '';
  page.once('dialog', (dialog) => { question = dialog.message(); dialog.dismiss(); });
  await page.getByRole('button', { name: 'Write off' }).click();
  await expect.poll(() => question).toContain('Write off the €300.00 Hooli still owes?');
  await expect(paper.locator('.status')).toHaveText('Partially paid');
  page.once('dialog', (dialog) => dialog.accept());
  await page.getByRole('button', { name: 'Write off' }).click();
  await expect(paper.locator('.status')).toHaveText('Written off');
  await expect(page.locator('.written-off')).toContainText('the €300.00 that was left is no longer expected');
  await expect(page.getByText('Written off: €300.00. Paid after all?')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Write off' })).toHaveCount(0);
  await expect(page.getByLabel('Client link')).toHaveCount(0);
  await expect(page.locator('.reminder-state')).toHaveText('Written off: the client is not chased any more.');

  await openDashboard(page);
  await expectStat(page, 'outstanding-EUR', '€0.00');
  await expectStat(page, 'paid-EUR', '€200.00');
  await expect(page.getByText('Written off — no longer chased')).toBeVisible();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clients' }).click();
  // The dashboard names Hooli too (its activity): wait for the client list.
  await expect(page.getByRole('heading', { level: 1, name: 'Clients' })).toBeVisible();
  await page.getByRole('link', { name: 'Hooli' }).click();
  await expect(page.getByTestId('client-balance')).toHaveText('Nothing owed');
  await expect(page.getByTestId('client-written-off')).toHaveText('1 invoice written off.');
  expect(await page.evaluate(() => window.__noReload)).toBe(true);

  // The client pays the rest after all: recorded, and the invoice is paid.
  await page.goto(`/invoices/${id}`);
  await hydrated(page);
  await page.getByLabel('Amount (EUR)').fill('300');
  await page.getByRole('button', { name: 'Record payment' }).click();
  await expect(paper.locator('.status')).toHaveText('Paid');
  await expect(page.locator('.written-off')).toContainText('and paid in full after all');
  await expect(page.getByRole('button', { name: 'Record payment' })).toHaveCount(0);
  await openDashboard(page);
  await expectStat(page, 'outstanding-EUR', '€0.00');
  await expectStat(page, 'paid-EUR', '€500.00');
});

test('signed-out visitors are sent to sign in, keeping the view they asked for', async ({ page }) => {
  await page.goto('/invoices?status=overdue');
  await expect(page).toHaveURL(/\/sign-in\?next=%2Finvoices%3Fstatus%3Doverdue$/);
  await expect(page.getByRole('heading', { name: 'Sign in to PayTrack' })).toBeVisible();
});
