// Collects what the browser reports as broken (a hydration mismatch panics the app, a
// Content-Security-Policy refusal is logged), so a test can assert the pages stayed healthy.
// Start it after signing in: the dev outbox shows emails in sandboxed frames whose blocked
// scripts are not the app's errors.
export function watchForErrors(page) {
  const errors = [];
  page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()); });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}
