import { test, expect } from '@playwright/test';
import { watchForErrors } from './helpers/browser.mjs';
import { hydrated, signIn, unique } from './helpers/sign-in.mjs';

// The Stripe stand-in `scripts/test` started also plays PayTrack's own Stripe account.
const stripe = process.env.PAYTRACK_E2E_STRIPE_URL;

// Adds the fourth client where people type it: the clients page's form.
async function addKatherine(page) {
  await page.goto('/clients');
  await hydrated(page);
  await page.getByRole('button', { name: 'New client' }).click();
  await page.getByLabel('Name').fill('Katherine');
  await page.getByLabel('Email', { exact: true }).fill('katherine@clients.test');
  await page.getByRole('button', { name: 'Add client' }).click();
}

test('a Free user hits the client limit, upgrades through Checkout and gets Pro', async ({ page, request }) => {
  await signIn(page, unique('plans'));
  const errors = watchForErrors(page);

  // Three clients are what Free allows.
  await page.evaluate(async () => {
    for (const name of ['Ada', 'Grace', 'Hedy']) {
      await fetch('/api/clients/create', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ input: {
          name, emails: `${name.toLowerCase()}@clients.test`, company: '', address: '',
          currency: 'EUR', notes: '', reminders: true,
        } }),
      });
    }
  });

  // The fourth is refused where it is typed, with the way out.
  await addKatherine(page);
  await expect(page.getByRole('alert').filter({ hasText: 'up to 3 active clients' })).toBeVisible();
  await page.getByRole('link', { name: 'See plans and upgrade' }).click();

  await expect(page.getByRole('heading', { level: 1, name: 'Plan and billing' })).toBeVisible();
  await expect(page.getByRole('heading', { name: "You're on Free" })).toBeVisible();
  await expect(page.locator('.meter-row', { hasText: 'Active clients' })).toContainText('3 of 3');

  // Checkout is Stripe's page: the browser goes there (played here), the client pays, and
  // Stripe comes back to PayTrack's success page.
  let session = null;
  await page.route('https://checkout.stripe.com/**', async (route) => {
    session = route.request().url().split('/').pop();
    await route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>Stripe Checkout</title><h1>Stripe Checkout</h1>' });
  });
  // Each way to pay says what it costs, as PayTrack's Stripe account prices it.
  await expect(page.getByRole('button', { name: 'Upgrade to Pro — €120.00 a year (save 16%)' })).toBeVisible();
  await page.getByRole('button', { name: 'Upgrade to Pro — €12.00 a month' }).click();
  await expect(page.getByRole('heading', { name: 'Stripe Checkout' })).toBeVisible();
  expect(session).toMatch(/^cs_test_/);
  const paid = await request.post(`${stripe}/_stand_in/pay?target=${session}&outcome=paid`);
  expect(paid.ok()).toBeTruthy();
  const subscription = (await paid.json()).data.object.subscription;

  await page.goto('/billing?upgraded=1');
  await hydrated(page);
  await expect(page.getByRole('heading', { name: "You're on Pro" })).toBeVisible();
  await expect(page.locator('.plan-card')).toContainText('Renews on');
  await expect(page.getByRole('button', { name: 'Manage billing' })).toBeVisible();

  // The fourth client now saves.
  await addKatherine(page);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Katherine');
  // A renewal fails: every page says so, and the button goes straight to Stripe's portal.
  const failed = await request.post(`${stripe}/_stand_in/pay?target=${subscription}&outcome=fail`);
  expect(failed.ok()).toBeTruthy();
  await page.goto('/dashboard');
  await hydrated(page);
  await expect(page.getByRole('alert').filter({ hasText: 'Your last PayTrack payment failed' })).toBeVisible();
  await page.route('https://billing.stripe.com/**', (route) => route.fulfill({
    contentType: 'text/html', body: '<!doctype html><title>Stripe portal</title><h1>Stripe billing portal</h1>',
  }));
  await page.getByRole('button', { name: 'Update your card' }).click();
  await expect(page.getByRole('heading', { name: 'Stripe billing portal' })).toBeVisible();

  // The one failed request is the refusal under test (402 Payment Required).
  expect(errors.filter((e) => !e.includes('402 (Payment Required)'))).toEqual([]);
  expect(errors.length).toBe(1);
});
