/**
 * Playwright: end-to-end tests in Debian Chromium (never a downloaded browser) against real servers the tests start
 * themselves on 127.0.0.1 with random ports. Run: `PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npx playwright test`.
 */
import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './test/e2e/support/browser.js';

process.env.PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD = '1';

export default defineConfig({
  testDir: 'test/e2e',
  testMatch: '**/*.spec.ts',
  forbidOnly: true,
  retries: 0,
  workers: Number(process.env.E2E_WORKERS) || 2,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['json', { outputFile: '.test-results/playwright.json' }]],
  outputDir: '.test-results/playwright-artifacts',
  use: {
    browserName: 'chromium',
    launchOptions: chromiumLaunchOptions(),
    // Traces on demand (E2E_TRACE=1): several people run this suite at once in one tree, and a shared outputDir
    // is wiped at each start.
    trace: process.env.E2E_TRACE ? 'retain-on-failure' : 'off',
    actionTimeout: 10_000,
  },
});
