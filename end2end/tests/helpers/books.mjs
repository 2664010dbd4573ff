// A client and an invoice made through the same server functions the pages use, from inside
// the signed-in page (so the session cookie goes with them).
import { expect } from '@playwright/test';
import { hydrated } from './sign-in.mjs';

// YYYY-MM-DD `days` from today in the browser's zone (the account's zone: it was read from
// this browser at sign-in).
export function dateIn(days) {
  const d = new Date();
  d.setDate(d.getDate() + days);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

// Creates `client` and a draft invoice for it with `line`, issued `issuedIn` days from today
// (today unless said) and due in `dueIn` days; returns the invoice id.
export async function clientAndInvoice(page, { client, line, dueIn, issuedIn = 0 }) {
  return page.evaluate(async ({ client, line, issue, due }) => {
    const post = (url, body) => fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
    }).then((r) => r.json());
    const saved = await post('/api/clients/create', { input: {
      company: '', address: '', currency: 'EUR', notes: '', reminders: true, ...client,
    } });
    const invoice = await post('/api/invoices/create', { input: {
      client_id: saved.Saved.id, issue_date: issue, due_date: due, currency: 'EUR',
      lines: [line], discount_kind: 'none', discount_value: '', taxes: '', notes: '',
    } });
    return invoice.Saved.id;
  }, { client, line, issue: dateIn(issuedIn), due: dateIn(dueIn) });
}

// As `clientAndInvoice`, then sent from its page the way a user sends it; the page is left on
// the invoice, hydrated, with `window.__noReload` set (a full reload would clear it). Returns
// the id, the invoice paper and its number.
export async function sentInvoice(page, books) {
  const id = await clientAndInvoice(page, books);
  await page.goto(`/invoices/${id}`);
  await hydrated(page);
  await page.evaluate(() => { window.__noReload = true; });
  await page.getByRole('button', { name: 'Send to client' }).click();
  const paper = page.getByRole('article', { name: /^Invoice / });
  await expect(paper.locator('.status')).toHaveText('Open');
  const number = (await paper.locator('.paper-number').textContent()).trim();
  return { id, paper, number };
}
