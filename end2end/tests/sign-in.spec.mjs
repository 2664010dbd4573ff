import { test, expect } from '@playwright/test';
import { MongoClient } from 'mongodb';
import { hydrated, linkFromOutbox, requestLink, signIn, unique } from './helpers/sign-in.mjs';

test('a login link from the dev outbox signs in, and works only once', async ({ page }) => {
  const email = unique('e2e');
  await requestLink(page, email);
  const link = await linkFromOutbox(page, email);

  await page.goto(link);
  await expect(page.getByText(`You're signing in as ${email}`)).toBeVisible();
  await page.getByRole('button', { name: 'Continue to PayTrack' }).click();

  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Your account' })).toBeVisible();
  const name = email.split('@')[0];
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: `Account: ${name}` })).toBeVisible();

  await page.goto(link);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('This sign-in link no longer works');
  await expect(page.getByRole('link', { name: 'Get a new link' })).toBeVisible();
});

test('signed-out visitors are sent to sign in and brought back', async ({ page }) => {
  await page.goto('/account');
  await expect(page).toHaveURL(/\/sign-in\?next=%2Faccount$/);
  await expect(page.getByRole('heading', { name: 'Sign in to PayTrack' })).toBeVisible();
});

test('someone already signed in is led on from the landing and sign-in pages', async ({ page }) => {
  await signIn(page, unique('e2e'));

  await page.goto('/');
  await hydrated(page);
  await expect(page.getByRole('link', { name: 'Get started free' })).toHaveCount(0);
  await page.getByRole('link', { name: 'Open your dashboard' }).first().click();
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();

  // A second tab left on the sign-in page while the first signed in.
  await page.goto('/sign-in?next=%2Fclients');
  await expect(page.getByRole('status').filter({ hasText: 'You are signed in as' })).toBeVisible();
  await hydrated(page);
  await page.getByRole('link', { name: 'Go on to the page you were opening' }).click();
  await expect(page).toHaveURL(/\/clients$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Clients' })).toBeVisible();
});

test('a page opened at an address other than PayTrack\'s own says why its forms are refused', async ({ page }) => {
  // As behind a proxy whose public address disagrees with PAYTRACK_BASE_URL: the page's
  // requests carry an Origin the server does not know as its own.
  const elsewhere = process.env.PAYTRACK_E2E_BASE_URL.replace('127.0.0.1', 'localhost');
  await page.goto(`${elsewhere}/sign-in`);
  await hydrated(page);
  await page.getByLabel('Email address').fill(unique('e2e'));
  await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
  await expect(page.getByRole('alert')).toHaveText('PayTrack refused this request because it came from another website.');
  await expect(page.getByRole('heading', { name: 'Check your inbox' })).toHaveCount(0);
});

test('the profile is corrected in place, and signing out returns to the public site', async ({ page }) => {
  const email = unique('e2e');
  await signIn(page, email);

  await expect(page.locator('.session.current')).toContainText('This device');
  // Named as people name their browser, not by its user-agent string.
  await expect(page.locator('.session.current strong')).toHaveText(/^Chrome \d+ on Linux$/);
  // The form checks the name in place once the page is interactive.
  await hydrated(page);

  await page.getByLabel('Name').fill('');
  await page.getByRole('button', { name: 'Save profile' }).click();
  await expect(page.locator('#name-error')).toHaveText('Enter the name your clients know you by.');

  await page.getByLabel('Name').fill('Grace Hopper');
  await page.getByLabel('Time zone').selectOption('Asia/Tokyo');
  await page.getByRole('button', { name: 'Save profile' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
  // The header follows without a page load.
  await expect(page.getByRole('link', { name: 'Account: Grace Hopper' })).toBeVisible();

  await page.reload();
  await expect(page.getByLabel('Time zone')).toHaveValue('Asia/Tokyo');

  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('link', { name: 'Sign in' })).toBeVisible();
});

test('an expired login link fails with a clear page', async ({ page }) => {
  const email = unique('e2e');
  await requestLink(page, email);
  const link = await linkFromOutbox(page, email);

  // Fifteen minutes pass: move the stored expiry into the past.
  const client = new MongoClient(process.env.PAYTRACK_E2E_MONGODB_URI);
  try {
    await client.db(process.env.PAYTRACK_E2E_DATABASE).collection('login_tokens')
      .updateMany({ email }, { $set: { expires_at: new Date(Date.now() - 1000) } });
  } finally {
    await client.close();
  }

  await page.goto(link);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('This sign-in link no longer works');
  await expect(page.getByText('It has expired or was already used')).toBeVisible();
});
