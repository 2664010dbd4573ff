// Invoices a business can send: the business details fill the invoice, a client has a
// country and a tax number, taxes have names, and the PDF — from the owner's page and from
// the client's link — holds what the page shows (read back with pdftotext).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test, expect } from '@playwright/test';
import { sentInvoice } from './helpers/books.mjs';
import { watchForErrors } from './helpers/browser.mjs';
import { hydrated, signIn, unique } from './helpers/sign-in.mjs';

const fixture = (name) => fileURLToPath(new URL(`../../tests/fixtures/${name}`, import.meta.url));
const pdfText = (path) => execFileSync('pdftotext', ['-layout', path, '-']).toString();

test('business details, a named tax and the PDF from both pages', async ({ page, browser }) => {
  // One journey through the profile, an invoice, two PDFs, the email and two CSV files.
  test.setTimeout(60_000);
  await signIn(page, unique('business'));

  // Account → Business details.
  await page.getByRole('link', { name: /Account/ }).first().click();
  await page.getByRole('link', { name: 'Edit business details' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Business details' })).toBeVisible();
  await hydrated(page);
  // A file that is not an image is refused with why; a PNG becomes the logo at once.
  await page.getByLabel('Add a logo').setInputFiles({
    name: 'logo.png', mimeType: 'image/png', buffer: Buffer.from('not really a picture'),
  });
  await expect(page.locator('#business-logo-error')).toContainText('PNG or JPEG');
  // That refusal is the browser's one expected failed request; from here on, none.
  const errors = watchForErrors(page);
  await page.getByLabel('Add a logo').setInputFiles(fixture('logo.png'));
  await expect(page.getByRole('img', { name: 'Your logo, as invoices show it' })).toBeVisible();
  await expect(page.locator('#business-logo-error')).toHaveText('');

  await page.getByLabel('Legal name').fill('Łukasz Müller Design SARL');
  await page.getByLabel('Address').fill('12 rue de la Paix\n75002 Paris');
  await page.getByLabel('Country').selectOption('FR');
  await page.getByLabel('Tax or VAT number').fill('FR 12 345678901');
  await page.getByLabel('How to pay by bank').fill('IBAN FR76 3000 6000 0112 3456 7890 189');
  await page.getByLabel('Taxes').fill('TVA 20');
  // A bad field is named and nothing is saved.
  await page.getByLabel('Phone').fill('call me');
  await page.getByRole('button', { name: 'Save business details' }).click();
  await expect(page.locator('#business-phone-error')).toContainText('not a phone number');
  await page.getByLabel('Phone').fill('+33 1 23 45 67 89');
  await page.getByRole('button', { name: 'Save business details' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
  await page.reload();
  await expect(page.getByLabel('Taxes')).toHaveValue('TVA 20%');
  await expect(page.getByLabel('Country')).toHaveValue('FR');

  // A client in Germany with a VAT number, then an invoice: it starts with the default tax.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Invoices' }).click();
  await page.getByRole('link', { name: 'New invoice' }).first().click();
  await hydrated(page);
  await expect(page.getByLabel('Taxes')).toHaveValue('TVA 20%');
  await page.getByLabel('Client', { exact: true }).selectOption('__new');
  await page.getByLabel('Name', { exact: true }).fill('Zoë Ångström');
  await page.getByLabel('Email', { exact: true }).fill('zoe@client.example');
  await page.getByRole('button', { name: 'Add client' }).click();
  // The new client is chosen once it is saved (until then the choice reads "+ New client…").
  await expect(page.getByLabel('Client', { exact: true }).locator('option:checked')).toHaveText('Zoë Ångström');
  await page.locator('#invoice-currency').selectOption('EUR');
  await page.getByLabel('Line 1 description').fill('Logo design');
  await page.getByLabel('Line 1 unit price').fill('1000');
  await expect(page.getByTestId('tax')).toHaveText('€200.00');
  // The work was done over the last month: typed backwards first, which is refused on the field.
  const day = (back) => new Date(Date.now() - back * 86_400_000).toISOString().slice(0, 10);
  const [workFrom, workTo] = [day(30), day(1)];
  await page.getByLabel('Service date, or first day').fill(workTo);
  await page.getByLabel('to', { exact: true }).fill(workFrom);
  await page.getByRole('button', { name: 'Save draft' }).click();
  await expect(page.locator('#service-error')).toHaveText("The service period can't end before it starts.");
  await expect(page.getByLabel('to', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await page.getByLabel('Service date, or first day').fill(workFrom);
  await page.getByLabel('to', { exact: true }).fill(workTo);
  await page.getByRole('button', { name: 'Save draft' }).click();
  await expect(page).toHaveURL(/\/invoices\/[0-9a-f]{24}$/);
  const paper = page.getByRole('article', { name: /^Invoice / });
  await expect(paper).toContainText('Łukasz Müller Design SARL');
  await expect(paper).toContainText('Tax ID: FR 12 345678901');
  await expect(paper.locator('img.paper-logo')).toBeVisible();
  await expect(paper.getByRole('row', { name: /TVA 20%/ })).toContainText('€200.00');
  await expect(paper).toContainText(`Service period${workFrom} to ${workTo}`);

  // The owner's PDF.
  const [ownPdf] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download PDF' }).click(),
  ]);
  expect(ownPdf.suggestedFilename()).toMatch(/^INV-\d+\.pdf$/);
  const own = pdfText(await ownPdf.path());
  for (const expected of ['Łukasz Müller Design SARL', 'Zoë Ångström', 'TVA 20%', '€1,200.00',
    'IBAN FR76 3000 6000 0112 3456 7890 189', 'Draft, not sent', 'Service period',
    `${workFrom} to ${workTo}`]) {
    expect(own, expected).toContain(expected);
  }

  // Sent, the client's link offers the same PDF without signing in.
  await page.getByRole('button', { name: 'Send to client' }).click();
  await expect(paper.locator('.status')).toHaveText('Open');
  const link = await page.getByLabel('Client link').inputValue();
  const client = await browser.newContext({ acceptDownloads: true });
  const clientPage = await client.newPage();
  await clientPage.goto(link);
  await hydrated(clientPage);
  // Without Stripe, the page opens on what to pay by bank, one tap from the details at its foot.
  await expect(clientPage.locator('.pay-box')).toContainText('Pay €1,200.00 by bank transfer.');
  // Paid by transfer already? Locally replies come to PayTrack, so a reply holds the reminders.
  await expect(clientPage.locator('.already-paid')).toHaveText(
    /^Paid already\? Reply to the email this invoice came with and say so: .+ will check, and the reminders about this invoice wait meanwhile\.$/);
  await clientPage.getByRole('link', { name: 'See the bank details' }).click();
  await expect(clientPage).toHaveURL(/#how-to-pay$/);
  await expect(clientPage.locator('#how-to-pay')).toContainText('IBAN FR76 3000 6000 0112 3456 7890 189');
  await expect(clientPage.locator('#how-to-pay')).toBeInViewport();
  const [clientPdf] = await Promise.all([
    clientPage.waitForEvent('download'),
    clientPage.getByRole('link', { name: 'Download PDF' }).click(),
  ]);
  const theirs = pdfText(await clientPdf.path());
  expect(theirs).toContain('Łukasz Müller Design SARL');
  expect(theirs).toContain('€1,200.00');
  expect(theirs).not.toContain('Draft, not sent');
  expect(readFileSync(await clientPdf.path()).subarray(0, 5).toString()).toBe('%PDF-');
  // The invoice email went with the same PDF attached (the dev outbox lists it).
  await clientPage.goto('/dev/outbox');
  await expect(clientPage.locator('.outbox-item').filter({ hasText: 'zoe@client.example' }).first())
    .toContainText(`Attached: ${ownPdf.suggestedFilename()}`);
  await client.close();

  // The invoice list as a spreadsheet: the view's filters apply, amounts are decimals.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Invoices' }).click();
  await page.getByRole('link', { name: 'Outstanding', exact: true }).first().click();
  await expect(page).toHaveURL(/status=outstanding/);
  const [csv] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Export CSV' }).click(),
  ]);
  expect(csv.suggestedFilename()).toMatch(/^paytrack-invoices-\d{4}-\d{2}-\d{2}\.csv$/);
  const sheet = readFileSync(await csv.path(), 'utf8').trim().split('\n');
  expect(sheet[0]).toContain('number,status,overdue,client');
  expect(sheet).toHaveLength(2);
  expect(sheet[1]).toContain('Zoë Ångström');
  expect(sheet[0]).toContain('due_date,service_from,service_to,currency');
  expect(sheet[1]).toContain(`${workFrom},${workTo},EUR,1000.00,0.00,200.00,1200.00`);

  // Clients out and in: the export lists Zoë; an import previews each row, then adds the new one.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clients' }).click();
  await hydrated(page);
  const [clientsCsv] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Export CSV' }).click(),
  ]);
  expect(readFileSync(await clientsCsv.path(), 'utf8')).toContain('zoe@client.example');
  await page.getByRole('button', { name: 'Import CSV' }).click();
  await page.getByLabel('CSV file', { exact: true }).setInputFiles({
    name: 'clients.csv', mimeType: 'text/csv',
    buffer: Buffer.from('name,email,country\nOla Nordmann,ola@client.example,NO\nZoë again,ZOE@client.example,\nNobody,not-an-address,\n'),
  });
  const preview = page.getByRole('table', { name: 'What each row of the file would do' });
  await expect(preview.getByRole('row', { name: /Ola Nordmann/ })).toContainText('Ready');
  await expect(preview.getByRole('row', { name: /Zoë again/ })).toContainText('Skipped: a client already has zoe@client.example');
  await expect(preview.getByRole('row', { name: /Nobody/ })).toContainText('Not imported');
  await page.getByRole('button', { name: 'Import 1 client' }).click();
  await expect(page.getByRole('link', { name: 'Ola Nordmann' })).toBeVisible();
  // A spreadsheet's plain CSV as saved in Germany: semicolons, and Windows-1252 rather than UTF-8.
  await page.getByRole('button', { name: 'Import CSV' }).click();
  await page.getByLabel('CSV file', { exact: true }).setInputFiles({
    name: 'kunden.csv', mimeType: 'text/csv',
    buffer: Buffer.from('Name;Email;Address\r\nJürgen Müller;juergen@client.example;"Hauptstraße 1, Köln"\r\n', 'latin1'),
  });
  await expect(preview.getByRole('row', { name: /Jürgen Müller/ })).toContainText('Ready');
  await page.getByRole('button', { name: 'Import 1 client' }).click();
  await expect(page.getByRole('link', { name: 'Jürgen Müller' })).toBeVisible();
  expect(errors).toEqual([]);
});

test('a sent invoice that is voided is cancelled by a credit note to download', async ({ page }) => {
  const errors = watchForErrors(page);
  await signIn(page, unique('credit-note'));
  const { paper, number } = await sentInvoice(page, {
    client: { name: 'Initech', emails: 'ap@initech.test' },
    line: { description: 'Migration', quantity: '2', unit_price: '450' },
    dueIn: 30,
  });

  let question = '';
  page.once('dialog', (dialog) => { question = dialog.message(); dialog.accept(); });
  await page.getByRole('button', { name: 'Void' }).click();
  await expect.poll(() => question).toContain('emails your client a credit note cancelling it');
  await expect(paper.locator('.status')).toHaveText('Void');
  const notice = page.getByRole('region', { name: 'Cancelled by credit note CN-0001' });
  await expect(notice).toContainText('for the full €900.00, and emailed to ap@initech.test with the PDF');
  await expect(paper).toContainText('Cancelled byCredit note CN-0001 of');

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    notice.getByRole('link', { name: 'Download credit note' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('CN-0001.pdf');
  const text = pdfText(await download.path());
  for (const expected of ['CREDIT NOTE', 'CN-0001', 'For invoice', number, '−€900.00', 'Total credited',
    `cancels invoice ${number}`]) {
    expect(text, expected).toContain(expected);
  }
  expect(text).not.toContain('PAY ONLINE');
  expect(await page.evaluate(() => window.__noReload)).toBe(true);
  // The client got it (the dev outbox lists it, with the file).
  await page.goto('/dev/outbox');
  await expect(page.locator('.outbox-item').filter({ hasText: 'Credit note CN-0001' }).first())
    .toContainText('Attached: CN-0001.pdf');
  expect(errors).toEqual([]);
});

test.describe('a freelancer in Berlin', () => {
  test.use({ timezoneId: 'Europe/Berlin' });

  test('starts new clients and invoices in euros', async ({ page }) => {
    await signIn(page, unique('berlin'));
    await page.goto('/clients');
    await hydrated(page);
    await page.getByRole('button', { name: 'New client' }).click();
    await expect(page.getByLabel('Currency')).toHaveValue('EUR');
    await page.goto('/invoices/new');
    await hydrated(page);
    await expect(page.getByLabel('Currency')).toHaveValue('EUR');
    // The landing page promises as many currencies as the editor offers.
    const offered = await page.getByLabel('Currency').locator('option').count();
    await page.goto('/');
    await expect(page.getByText(`in any of ${offered} currencies`)).toBeVisible();
  });
});
