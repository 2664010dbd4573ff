import { test, expect } from '@playwright/test';
import { hydrated } from './helpers/sign-in.mjs';

test('landing page explains PayTrack and links to the legal pages', async ({ page }) => {
  const response = await page.goto('/');
  expect(response.status()).toBe(200);
  await expect(page).toHaveTitle('PayTrack');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Get paid on time');
  await expect(page.getByRole('heading', { name: 'How it works' })).toBeVisible();
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: 'Privacy' })).toHaveAttribute('href', '/privacy');
  await expect(nav.getByRole('link', { name: 'Terms' })).toHaveAttribute('href', '/terms');
});

test('the landing page draws the dashboard, shows pricing and leads to sign-in without a reload', async ({ page }) => {
  await page.goto('/');
  await hydrated(page);
  const picture = page.getByRole('figure', { name: /Your dashboard/ });
  await expect(picture.getByRole('table', { name: 'Outstanding by age' })).toBeVisible();
  await expect(picture.getByRole('img', { name: /Collected/ })).toBeVisible();
  const pricing = page.getByRole('region', { name: 'Pricing' });
  await expect(pricing.getByRole('heading', { name: 'Free' })).toBeVisible();
  await expect(pricing.getByText(/active clients/)).toBeVisible();
  // What Pro costs, as PayTrack's Stripe account (the stand-in) prices it.
  await expect(pricing.getByText('€12.00 a month', { exact: true })).toBeVisible();
  await expect(pricing.getByText(', or €120.00 a year (save 16%)')).toBeVisible();

  await page.evaluate(() => { window.__sameDocument = true; });
  await page.getByRole('link', { name: 'Get started free' }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByLabel('Email address')).toBeVisible();
  expect(await page.evaluate(() => window.__sameDocument)).toBe(true);
});

test('client-side navigation reaches the privacy policy without a full page load', async ({ page }) => {
  await page.goto('/');
  await hydrated(page);
  await page.evaluate(() => { window.__sameDocument = true; });
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Privacy' }).click();
  await expect(page).toHaveURL(/\/privacy$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Privacy policy');
  expect(await page.evaluate(() => window.__sameDocument)).toBe(true);
});

test('privacy policy names the processors, the key encryption and the contact address', async ({ page }) => {
  const response = await page.goto('/privacy');
  expect(response.status()).toBe(200);
  await expect(page).toHaveTitle('Privacy policy · PayTrack');
  const policy = page.locator('article');
  for (const processor of ['Stripe', 'Resend', 'Crisp', 'MongoDB Atlas']) {
    await expect(policy).toContainText(processor);
  }
  await expect(policy).toContainText('XChaCha20-Poly1305');
  await expect(policy.getByRole('heading', { name: 'Your rights' })).toBeVisible();
  const contact = policy.getByRole('link', { name: process.env.PAYTRACK_E2E_CONTACT_EMAIL });
  await expect(contact.first()).toHaveAttribute('href', `mailto:${process.env.PAYTRACK_E2E_CONTACT_EMAIL}`);
});

test('terms page renders', async ({ page }) => {
  const response = await page.goto('/terms');
  expect(response.status()).toBe(200);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Terms of service');
});

test('unknown addresses get a styled 404 page with a way home', async ({ page }) => {
  const response = await page.goto('/no/such/page');
  expect(response.status()).toBe(404);
  await expect(page).toHaveTitle('Page not found · PayTrack');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText("We couldn't find that page");
  // The stylesheet loaded: the 404 is the app's page, not a bare error.
  const styled = await page.evaluate(() => document.styleSheets.length);
  expect(styled).toBeGreaterThan(0);
  await page.getByRole('link', { name: 'Go to the home page' }).click();
  await expect(page).toHaveURL(/\/$/);
});

test('the layout fits a phone screen without sideways scrolling', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto('/');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});
