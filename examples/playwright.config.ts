/**
 * Playwright for the framework examples (test/e2e-examples), apart from the root config so the root
 * `npx playwright test` never looks for apps that are not installed. Needs `npm run examples:install` first; run:
 * `PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npx playwright test --config examples/playwright.config.ts`. One worker: each
 * test starts its own provider and backend, and five apps' worth of browsers is too much for a small machine.
 */
import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from '../test/e2e/support/browser.js';

process.env.PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD = '1';

export default defineConfig({
  testDir: '../test/e2e-examples',
  testMatch: '**/*.spec.ts',
  forbidOnly: true,
  retries: 0,
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['json', { outputFile: '../.test-results/examples.json' }]],
  outputDir: '../.test-results/examples-artifacts',
  use: {
    browserName: 'chromium',
    launchOptions: chromiumLaunchOptions(),
    trace: process.env.E2E_TRACE ? 'retain-on-failure' : 'off',
    actionTimeout: 10_000,
  },
});
