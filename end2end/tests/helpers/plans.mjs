// Pro for the signed-in user, bought the way a user buys it: the plan page's monthly button,
// Stripe's Checkout (played by the stand-in `scripts/test` started), back to PayTrack.
import { expect } from '@playwright/test';
import { hydrated } from './sign-in.mjs';

const stripe = process.env.PAYTRACK_E2E_STRIPE_URL;

export async function upgradeToPro(page, request) {
  await page.goto('/billing');
  await hydrated(page);
  let session = null;
  await page.route('https://checkout.stripe.com/**', async (route) => {
    session = route.request().url().split('/').pop();
    await route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>Checkout</title><h1>Checkout</h1>' });
  });
  await page.getByRole('button', { name: /^Upgrade to Pro — .+ a month$/ }).click();
  await expect(page.getByRole('heading', { name: 'Checkout' })).toBeVisible();
  const paid = await request.post(`${stripe}/_stand_in/pay?target=${session}&outcome=paid`);
  expect(paid.ok()).toBeTruthy();
  await page.unroute('https://checkout.stripe.com/**');
  await page.goto('/billing?upgraded=1');
  await hydrated(page);
  await expect(page.getByRole('heading', { name: "You're on Pro" })).toBeVisible();
}
