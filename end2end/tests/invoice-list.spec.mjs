// The invoice list as people use it: filtering by status, searching as they type, and reading
// it — with clients and the dashboard — on a phone.
import { test, expect } from '@playwright/test';
import { samePersonOnAPhone, watchForErrors } from './helpers/browser.mjs';
import { hydrated, signIn, unique } from './helpers/sign-in.mjs';
import { clientAndInvoice } from './helpers/books.mjs';

test('the new-client form starts in the currency of the client added last, however it is opened', async ({ page }) => {
  await signIn(page, unique('usual'));
  const errors = watchForErrors(page);
  await page.goto('/clients?new=1');
  await hydrated(page);
  await page.getByLabel('Name').fill('Wayne Holdings');
  await page.getByLabel('Email', { exact: true }).fill('ap@wayne.test');
  await page.getByLabel('Currency').selectOption('EUR');
  await page.getByRole('button', { name: 'Add client' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Wayne Holdings');

  // The currency is read as the pointer reaches the button, or the keyboard's focus does.
  await page.goto('/clients');
  await hydrated(page);
  await expect(page.getByLabel('Currency')).toHaveCount(0);
  await page.getByRole('button', { name: 'New client' }).click();
  await expect(page.getByLabel('Currency')).toHaveValue('EUR');

  await page.goto('/clients');
  await hydrated(page);
  await page.getByRole('button', { name: 'New client' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('Currency')).toHaveValue('EUR');

  // Opened with the page, the form comes drawn in it.
  await page.goto('/clients?new=1');
  await expect(page.getByLabel('Currency')).toHaveValue('EUR');
  expect(errors).toEqual([]);
});

test('the invoice list filters by status and searches as you type', async ({ page, browser }) => {
  await signIn(page, unique('lists'));
  const errors = watchForErrors(page);
  await page.goto('/clients?new=1');
  await hydrated(page);
  await page.getByLabel('Name').fill('Globex');
  await page.getByLabel('Email', { exact: true }).fill('ap@globex.test');
  await page.getByRole('button', { name: 'Add client' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Globex');

  const clientId = page.url().match(/\/clients\/([0-9a-f]{24})$/)[1];

  for (const description of ['Audit', 'Review']) {
    await page.goto(`/invoices/new?client=${clientId}`);
    await hydrated(page);
    await page.getByLabel('Line 1 description').fill(description);
    await page.getByLabel('Line 1 unit price').fill('500');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await expect(page).toHaveURL(/\/invoices\/[0-9a-f]{24}$/);
  }

  await page.goto('/invoices');
  await hydrated(page);
  const rows = page.locator('.data-table tbody tr');
  await expect(rows).toHaveCount(2);
  await rows.first().getByRole('checkbox').check();
  // A new account has neither Stripe nor bank details: sending drafts from the list asks first,
  // and saying no sends nothing.
  const sends = [];
  page.on('request', (request) => { if (request.url().endsWith('/api/invoices/bulk')) sends.push(request); });
  let question = null;
  page.once('dialog', (dialog) => { question = dialog.message(); dialog.dismiss(); });
  await page.getByRole('button', { name: 'Send selected' }).click();
  // On Free, a Stripe payment page needs Pro; the question says what would help.
  await expect.poll(() => question).toContain("Your clients won't see a way to pay: add how to pay by bank in Business details");
  expect(question).toContain('Send 1 draft anyway?');
  await expect(rows.locator('.status')).toHaveText(['Draft', 'Draft']);
  // While the server works on them, the list says so (the answer held here until it was seen).
  let answer;
  const held = new Promise((resolve) => { answer = resolve; });
  await page.route('**/api/invoices/bulk', async (route) => { await held; await route.continue(); });
  page.once('dialog', (dialog) => dialog.accept());
  await page.getByRole('button', { name: 'Send selected' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Sending 1 invoice…' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Send selected' })).toBeDisabled();
  answer();
  await expect(page.getByRole('status').filter({ hasText: 'Sent 1 invoice; its email is on its way.' })).toBeVisible();
  await page.unroute('**/api/invoices/bulk');
  expect(sends).toHaveLength(1);

  // One tab is the current one, for the eye and for screen readers.
  const tabs = page.getByRole('navigation', { name: 'Invoice status' });
  await expect(tabs.locator('[aria-current="page"]')).toHaveText(['All']);
  await page.getByRole('link', { name: 'Outstanding' }).click();
  await expect(page).toHaveURL(/status=outstanding/);
  await expect(rows).toHaveCount(1);
  await expect(tabs.locator('[aria-current="page"]')).toHaveText(['Outstanding']);
  await page.getByRole('link', { name: 'Drafts' }).click();
  await expect(rows).toHaveCount(1);
  await page.getByRole('link', { name: 'All' }).click();

  await page.keyboard.press('/');
  await expect(page.getByLabel('Search')).toBeFocused();
  await page.keyboard.type('zzz-nothing');
  await expect(page).toHaveURL(/q=zzz-nothing/);
  await expect(page.getByRole('heading', { name: 'No invoices match' })).toBeVisible();
  await page.getByRole('link', { name: 'Clear filters' }).first().click();
  await expect(rows).toHaveCount(2);

  // The client filter's names arrive when it is first reached, by keyboard here; a view of one
  // client's invoices, loaded whole, comes back with that client chosen.
  const clientFilter = page.getByLabel('Client', { exact: true });
  await expect(clientFilter.locator('option')).toHaveCount(1);
  await clientFilter.focus();
  await expect(clientFilter.locator('option')).toHaveText(['All clients', 'Globex']);
  await clientFilter.selectOption({ label: 'Globex' });
  await expect(page).toHaveURL(new RegExp(`client=${clientId}`));
  await expect(rows).toHaveCount(2);
  await page.reload();
  await hydrated(page);
  await expect(clientFilter).toHaveValue(clientId);
  await page.getByRole('link', { name: 'Clear filters' }).first().click();
  await expect(page).toHaveURL(/\/invoices$/);
  await expect(rows).toHaveCount(2);
  // A phone gives no sign before the tap that opens its picker, so there the names are read
  // as soon as the page is up.
  const onPhone = await samePersonOnAPhone(browser, page, test.info().project.use.baseURL);
  await onPhone.goto('/invoices');
  await hydrated(onPhone);
  await expect(onPhone.getByLabel('Client', { exact: true }).locator('option')).toHaveText(['All clients', 'Globex']);
  await onPhone.context().close();
  const invoiceHref = await rows.first().locator('.cell-number').getByRole('link').getAttribute('href');
  // A row's client name leads to the client's page, inside the app.
  await page.evaluate(() => { window.__noReload = true; });
  await rows.first().getByRole('link', { name: 'Globex' }).click();
  await expect(page).toHaveURL(new RegExp(`/clients/${clientId}$`));
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Globex');
  expect(await page.evaluate(() => window.__noReload)).toBe(true);
  for (const path of ['/dashboard', `/clients/${clientId}`, invoiceHref, `${invoiceHref}/edit`]) {
    await page.goto(path);
    await hydrated(page);
  }
  // Every page above was loaded whole at least once and hydrated without a mismatch.
  expect(errors).toEqual([]);
});

test('on a phone, invoices and clients are cards and the dashboard reads without scrolling sideways', async ({ page, browser }) => {
  await signIn(page, unique('phone'));
  // One long word in the name and a long address: they wrap rather than widen the page.
  const email = 'accounts.payable.department@wolfeschlegelsteinhausenberger-consulting.test';
  const invoiceId = await clientAndInvoice(page, {
    client: { name: 'Wide Margins Wolfeschlegelsteinhausenbergerdorff', emails: email },
    line: { description: 'Design', quantity: '12', unit_price: '1234.56' },
    dueIn: 30,
  });
  expect(invoiceId).toMatch(/^[0-9a-f]{24}$/);

  const onPhone = await samePersonOnAPhone(browser, page, test.info().project.use.baseURL);
  const fitsTheScreen = async (path) => {
    const sideways = await onPhone.evaluate(() => ({
      page: document.documentElement.scrollWidth - window.innerWidth,
      tables: [...document.querySelectorAll('.table-wrap')].map((t) => t.scrollWidth - t.clientWidth),
    }));
    expect(sideways.page, path).toBe(0);
    expect(sideways.tables.filter((overflow) => overflow > 0), path).toEqual([]);
  };
  const onScreen = async (locator) => {
    await expect(locator).toBeVisible();
    const box = await locator.boundingBox();
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
  };

  await onPhone.goto('/invoices');
  await hydrated(onPhone);
  const row = onPhone.locator('tbody tr').first();
  await onScreen(row.getByText('Draft'));
  await onScreen(row.getByText('€14,814.72').first());
  // The amount says what it is (its column heading is not shown).
  const label = (cell) => cell.evaluate((el) => getComputedStyle(el, '::before').content);
  expect(await label(row.locator('.cell-owed'))).toContain('Amount due');
  // Shortcuts are for keyboards; sorting stays at hand.
  await expect(onPhone.getByText('Keyboard: ↑ ↓ move between invoices')).toBeHidden();
  await expect(onPhone.getByRole('button', { name: /^Total/ })).toBeVisible();
  await fitsTheScreen('/invoices');

  await onPhone.goto('/clients');
  await hydrated(onPhone);
  await onScreen(onPhone.getByText(email));
  await fitsTheScreen('/clients');

  await onPhone.getByRole('link', { name: 'Wide Margins Wolfeschlegelsteinhausenbergerdorff' }).click();
  await expect(onPhone.getByRole('heading', { level: 1 })).toContainText('Wide Margins');
  await onScreen(onPhone.locator('tbody tr').first().getByText('Draft'));
  await onScreen(onPhone.locator('.details').getByText(email));
  await fitsTheScreen('a client\'s page');

  // The invoice as a document: the bill-to block wraps the address.
  await onPhone.goto(`/invoices/${invoiceId}`);
  await hydrated(onPhone);
  await onScreen(onPhone.locator('.paper-meta').getByText(email));
  await fitsTheScreen('an invoice\'s page');

  // Sent, it reaches the client, who may well open it on a phone: the document's columns of
  // amounts in the thousands fit it too.
  await onPhone.getByRole('button', { name: 'Send to client' }).click();
  const clientLink = await onPhone.getByLabel('Client link').inputValue();
  const clientsPhone = await (await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })).newPage();
  await clientsPhone.goto(clientLink);
  await expect(clientsPhone.getByRole('heading', { level: 1 })).toContainText('Invoice INV-');
  const amount = clientsPhone.getByRole('row', { name: /^Design/ }).getByText('€14,814.72');
  await expect(amount).toBeVisible();
  const right = await amount.evaluate((el) => el.getBoundingClientRect().right);
  const paperRight = await clientsPhone.locator('.paper').evaluate((el) => el.getBoundingClientRect().right);
  expect(right).toBeLessThanOrEqual(paperRight);
  expect(await clientsPhone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBe(0);
  await clientsPhone.context().close();

  // The invoice editor stacks a line's fields, each under a caption of its own.
  await onPhone.goto('/invoices/new');
  await hydrated(onPhone);
  const firstLine = onPhone.getByRole('group', { name: 'Line 1' });
  for (const caption of ['Description', 'Quantity', 'Unit price']) {
    await onScreen(firstLine.getByText(caption, { exact: true }));
  }
  await firstLine.getByLabel('Line 1 quantity').fill('2');
  await firstLine.getByLabel('Line 1 unit price').fill('40');
  await expect(firstLine.locator('output')).toHaveText(/^\D80\.00$/);
  expect(await firstLine.locator('output').evaluate((el) => getComputedStyle(el, '::before').content)).toContain('Amount');
  await fitsTheScreen('/invoices/new');

  // The dashboard's charts (drawn over example figures on the landing page) are as legible as
  // the page's text: the money by age as words, the months under the drawing scaled down to
  // the screen no smaller than 10 px.
  await onPhone.goto('/');
  await hydrated(onPhone);
  const byAge = onPhone.getByRole('table', { name: 'Outstanding by age' });
  await onScreen(byAge.getByRole('row', { name: /^Current/ }).getByText('€4,200.00'));
  const monthHeights = await onPhone.locator('figure.chart svg text.chart-label').evaluateAll(
    (labels) => labels.map((label) => label.getBoundingClientRect().height),
  );
  expect(monthHeights.length).toBeGreaterThanOrEqual(12);
  expect(Math.min(...monthHeights)).toBeGreaterThanOrEqual(10);
  await fitsTheScreen('/');
  await onPhone.context().close();

  // A wide screen keeps the tables with their column headings, each as wide as the page.
  await page.goto('/clients');
  await hydrated(page);
  await expect(page.getByRole('columnheader', { name: 'Email' })).toBeVisible();
  expect(await page.locator('.table-wrap').evaluate((t) => t.scrollWidth - t.clientWidth)).toBe(0);
  await page.goto('/invoices');
  await hydrated(page);
  await expect(page.getByRole('columnheader', { name: 'Amount due' })).toBeVisible();
  expect(await page.locator('tbody tr').first().locator('.cell-owed').evaluate((el) => getComputedStyle(el, '::before').content)).toBe('none');
  await expect(page.getByText('Keyboard: ↑ ↓ move between invoices')).toBeVisible();
  // …and the editor its column heads rather than captions.
  await page.goto('/invoices/new');
  await hydrated(page);
  await expect(page.getByRole('group', { name: 'Line 1' }).getByText('Quantity', { exact: true })).toBeHidden();
});

test('a new account\'s empty lists show the way in, and archived clients are not mistaken for none', async ({ page }) => {
  await signIn(page, unique('empty'));
  const errors = watchForErrors(page);
  // Nothing to filter, search or export yet: only the ways to start.
  await page.goto('/invoices');
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'No invoices yet' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Write an invoice' })).toBeVisible();
  for (const tool of [page.getByLabel('Search'), page.getByRole('link', { name: 'Export CSV' }),
    page.getByRole('navigation', { name: 'Invoice status' })]) {
    await expect(tool).toBeHidden();
  }
  await page.goto('/clients');
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'No clients yet' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Import CSV' })).toBeVisible();
  await expect(page.getByLabel('Search')).toBeHidden();

  // The first client brings the tools in; archiving it leaves a list that says so.
  await page.getByRole('button', { name: 'Add your first client' }).click();
  await page.getByLabel('Name').fill('Initech');
  await page.getByLabel('Email', { exact: true }).fill('bills@initech.test');
  await page.getByRole('button', { name: 'Add client' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Initech');
  await page.getByRole('button', { name: 'Archive' }).click();
  await expect(page.getByText('Archived: hidden from lists')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Restore' })).toBeEnabled();
  await page.getByRole('link', { name: 'Clients', exact: true }).first().click();
  await expect(page.getByRole('heading', { name: 'Every client is archived' })).toBeVisible();
  await expect(page.getByText('Your one client is archived')).toBeVisible();
  await expect(page.getByLabel('Search')).toBeVisible();
  await page.getByRole('button', { name: 'Show archived' }).click();
  await expect(page.getByRole('link', { name: 'Initech' })).toBeVisible();
  await expect(page.getByLabel('Show archived')).toBeChecked();
  expect(errors).toEqual([]);
});
