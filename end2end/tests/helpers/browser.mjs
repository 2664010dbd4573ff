// Collects what the browser reports as broken (a hydration mismatch panics the app, a
// Content-Security-Policy refusal is logged), so a test can assert the pages stayed healthy.
//
// Emails are previewed in frames sandboxed without `allow-scripts` (the dev outbox, the
// reminder timeline). Chromium reports any script it refuses there, including what automation
// tries to run in a new frame, as a console error at a moment of its choosing; that refusal is
// the sandbox doing its job, not the app failing, so exactly that message is left out.
const SANDBOX_REFUSAL = /^Blocked script execution in 'about:srcdoc' because the document's frame is sandboxed/;

export function watchForErrors(page) {
  const errors = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && !SANDBOX_REFUSAL.test(message.text())) errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

// A phone (touch, 390 × 844) signed in as `page` is: a page in a context of its own, which the
// caller closes through `page.context().close()`.
export async function samePersonOnAPhone(browser, page, baseURL) {
  const phone = await browser.newContext({
    baseURL,
    hasTouch: true,
    isMobile: true,
    viewport: { width: 390, height: 844 },
  });
  await phone.addCookies(await page.context().cookies());
  return phone.newPage();
}
