import { test, expect } from '@playwright/test';
import { watchForErrors } from './helpers/browser.mjs';
import { hydrated, signIn, unique } from './helpers/sign-in.mjs';
import { clientAndInvoice } from './helpers/books.mjs';

// The Stripe stand-in `scripts/test` started; the server talks to it as to Stripe.
const stripe = process.env.PAYTRACK_E2E_STRIPE_URL;


test('connect Stripe, send an invoice with its pay link, and see it paid by a signed event', async ({ page, request }) => {
  expect(stripe, 'PAYTRACK_E2E_STRIPE_URL is set by scripts/test').toBeTruthy();
  await signIn(page, unique('stripe'));
  const errors = watchForErrors(page);

  // Payment links are Pro: this user subscribes first (Checkout completed in the stand-in).
  const checkout = await page.evaluate(async () => {
    const r = await fetch('/api/billing/checkout', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: 'interval=month',
    });
    return r.json();
  });
  const upgraded = await request.post(`${stripe}/_stand_in/pay?target=${checkout.split('/').pop()}&outcome=paid`);
  expect(upgraded.ok()).toBeTruthy();

  // Connect a key: a publishable key is refused with what to do; a restricted key connects.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Stripe', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Stripe' })).toBeVisible();
  await hydrated(page);
  await expect(page.getByRole('cell', { name: 'Payment Links' })).toBeVisible();
  const key = page.getByLabel('API key');
  await key.fill('pk_test_51ThisIsPublishableNotSecret');
  await page.getByRole('button', { name: 'Connect' }).click();
  await expect(page.locator('#stripe-key-problem')).toContainText('publishable key');
  await expect(key).toHaveValue('');
  const secretKey = `rk_test_51E2e${Date.now()}Key${Math.floor(Math.random() * 1e6)}Ab12`;
  await key.fill(secretKey);
  await page.getByRole('button', { name: 'Connect' }).click();
  const account = page.locator('.stripe-account');
  await expect(account).toContainText('Studio Test');
  await expect(account).toContainText('Test mode');
  await expect(account).toContainText('rk_test_…Ab12');
  await expect(page.locator('body')).not.toContainText(secretKey);
  await expect(page.locator('.stripe-webhook')).toContainText('PayTrack registered its webhook');
  await expect(page.getByRole('radio', { name: /Payment link/ })).toBeChecked();

  // An invoice due in 20 days, sent to the client.
  const id = await clientAndInvoice(page, {
    client: { name: 'Noether & Sons', emails: 'pay@noether.test' },
    line: { description: 'Algebra lessons', quantity: '3', unit_price: '150' },
    dueIn: 20,
  });
  await page.goto(`/invoices/${id}`);
  await hydrated(page);
  await page.getByRole('button', { name: 'Send to client' }).click();
  const payLink = page.locator('a.stripe-pay-link');
  await expect(payLink).toHaveAttribute('href', /^https:\/\/buy\.stripe\.com\/test_plink_/);
  const payUrl = await payLink.getAttribute('href');
  const plink = payUrl.split('test_')[1];
  const publicUrl = await page.locator('#public-link').inputValue();
  const reminders = page.getByRole('region', { name: 'Emails and reminders' });
  await expect(reminders.locator('.timeline-item[data-step="reminder:0"]')).toHaveAttribute('data-status', 'Planned');

  // The client's page offers the pay link.
  await page.goto(publicUrl);
  const pay = page.getByRole('link', { name: 'Pay €450.00 now' });
  await expect(pay).toHaveAttribute('href', payUrl);

  // The client pays: Stripe sends its signed checkout.session.completed to PayTrack.
  const paid = await request.post(`${stripe}/_stand_in/pay?target=${plink}&outcome=paid`);
  expect(paid.ok()).toBeTruthy();
  const completed = await paid.json();
  expect(completed.type).toBe('checkout.session.completed');
  const paymentIntent = completed.data.object.payment_intent;

  await page.reload();
  await expect(page.getByRole('status').filter({ hasText: 'Paid in full' })).toBeVisible();
  await expect(page.getByRole('link', { name: /Pay .* now/ })).toHaveCount(0);

  // The owner's dashboard and the invoice say paid; the remaining reminders were skipped.
  await page.goto('/dashboard');
  await hydrated(page);
  await expect(page.locator('body')).toContainText('Paid through Stripe');
  await page.goto(`/invoices/${id}`);
  await hydrated(page);
  await expect(page.locator('.status.status-paid').first()).toHaveText('Paid');
  await expect(reminders.getByRole('status')).toHaveText('Paid: nothing more is sent.');
  for (const step of ['reminder:-3', 'reminder:0', 'reminder:3']) {
    const item = reminders.locator(`.timeline-item[data-step="${step}"]`);
    await expect(item).toHaveAttribute('data-status', 'Skipped');
    await expect(item).toContainText('paid');
  }

  // The owner gives €150 back in Stripe's dashboard: Stripe sends charge.refunded. The
  // invoice is owed that much again, lists the refund, and is not chased until resumed.
  const refunded = await request.post(`${stripe}/_stand_in/refund?payment_intent=${paymentIntent}&amount=15000`);
  expect(refunded.ok()).toBeTruthy();
  expect((await refunded.json()).type).toBe('charge.refunded');
  await page.reload();
  await hydrated(page);
  await expect(page.locator('.status.status-partial').first()).toHaveText('Partially paid');
  await expect(page.locator('article.paper')).toContainText('€150.00 refunded');
  await expect(reminders.getByRole('status')).toContainText('Reminders are paused because you refunded a payment.');
  await expect(page.locator('a.stripe-pay-link')).toHaveAttribute('href', /^https:\/\/buy\.stripe\.com\/test_plink_/);
  await expect(page.locator('a.stripe-pay-link')).not.toHaveAttribute('href', payUrl);
  await reminders.getByRole('button', { name: 'Resume reminders' }).click();
  await expect(reminders.getByRole('button', { name: 'Pause reminders' })).toBeVisible();
  await page.goto('/dashboard');
  await hydrated(page);
  await expect(page.locator('body')).toContainText('Refunded through Stripe');

  // The client's bank disputes the €300 left on the payment: Stripe takes it back. It is owed
  // again, the page says what to do and by when, and reminders wait.
  const disputed = await request.post(`${stripe}/_stand_in/dispute?payment_intent=${paymentIntent}&amount=30000`);
  expect(disputed.ok()).toBeTruthy();
  const disputeEvents = await disputed.json();
  expect(disputeEvents.map((e) => e.type)).toEqual(['charge.dispute.created', 'charge.dispute.funds_withdrawn']);
  await page.goto(`/invoices/${id}`);
  await hydrated(page);
  await expect(page.locator('.status.status-open').first()).toHaveText('Open');
  await expect(page.locator('article.paper')).toContainText('€300.00 taken back by the payer');
  const disputes = page.getByTestId('disputes');
  await expect(disputes.getByRole('heading')).toHaveText("Disputed by the payer's bank");
  await expect(disputes).toContainText('Answer it in your Stripe dashboard by');
  await expect(reminders.getByRole('status')).toContainText("your client's bank took a payment back");

  // The bank decides for the owner: the money counts again and reminders go on.
  const decided = await request.post(`${stripe}/_stand_in/decide_dispute?id=${disputeEvents[0].data.object.id}&won=true`);
  expect(decided.ok()).toBeTruthy();
  await page.reload();
  await hydrated(page);
  await expect(page.locator('.status.status-partial').first()).toHaveText('Partially paid');
  await expect(disputes).toContainText('decided for you');
  await expect(page.locator('article.paper')).not.toContainText('taken back');
  await expect(reminders.getByRole('button', { name: 'Pause reminders' })).toBeVisible();
  expect(errors).toEqual([]);
});
