/**
 * How the e2e tests launch Chromium: the Debian package (tests never download a browser), with the flags that keep
 * a root container quiet. Playwright adds `--disable-popup-blocking`, `--disable-back-forward-cache` and more by
 * default; a test of those cases drops the flag with `ignoreDefaultArgs`, or it proves nothing.
 */
import type { LaunchOptions } from '@playwright/test';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

export function chromiumLaunchOptions(extra: Partial<LaunchOptions> = {}): LaunchOptions {
  return {
    executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    ...extra,
  };
}

/** Launch options with Chromium's real popup blocker (Playwright turns it off by default). */
export const withPopupBlocker = chromiumLaunchOptions({ ignoreDefaultArgs: ['--disable-popup-blocking'] });
