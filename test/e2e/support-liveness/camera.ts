/**
 * Chromium with its fake camera playing a face video (test/fixtures/faces → .y4m, see y4m.ts): one browser per case,
 * as the video is a launch flag. `--use-fake-ui-for-media-stream` answers the permission prompt with Allow; without
 * it the test denies the camera itself ({@link denyCamera}), as a person pressing Block would.
 */
import { chromium, type Browser, type BrowserContext } from '@playwright/test';
import { CHROMIUM_ARGS } from '../support/browser.js';
import { fakeCameraArgs } from './y4m.js';

/** A Chromium whose camera plays `sequence` (a name from test/fixtures/faces/manifest.json); the prompt is allowed. */
export function browserWithCamera(sequence: string, options: { allow?: boolean } = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
    args: [...CHROMIUM_ARGS, ...fakeCameraArgs(sequence, options)],
  });
}

/**
 * The camera permission for `origin` set to denied (Block in the permission prompt), through the DevTools protocol.
 * (Headless Chromium without `--use-fake-ui-for-media-stream` has no prompt to show and refuses too; this makes the
 * denial explicit rather than a side effect of headless mode.)
 */
export async function denyCamera(context: BrowserContext, origin: string): Promise<void> {
  const page = context.pages()[0] ?? (await context.newPage());
  const cdp = await context.newCDPSession(page);
  try {
    await cdp.send('Browser.setPermission', { permission: { name: 'camera' }, setting: 'denied', origin });
  } finally {
    await cdp.detach();
  }
}
