// End-to-end tests drive Debian's Chromium against a PayTrack server that `scripts/test` has
// started (its address arrives in PAYTRACK_E2E_BASE_URL). Playwright never downloads a browser.
import { defineConfig } from '@playwright/test';

const baseURL = process.env.PAYTRACK_E2E_BASE_URL;
if (!baseURL) {
  throw new Error('PAYTRACK_E2E_BASE_URL is not set: run the end-to-end tests through scripts/test');
}

const artifacts = process.env.PAYTRACK_E2E_ARTIFACTS || 'test-results';

export default defineConfig({
  testDir: './tests',
  fullyParallel: false,
  workers: 1,
  forbidOnly: true,
  retries: 0,
  timeout: 30_000,
  reporter: [['list'], ['json', { outputFile: `${artifacts}/results.json` }]],
  outputDir: artifacts,
  use: {
    baseURL,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
});
