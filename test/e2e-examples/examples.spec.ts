/**
 * The framework examples (examples/*) as a user runs them: each app's production build, served by the shared
 * backend (examples/shared/server.mjs) with the kit installed from the packed tarball, against the reference
 * provider in-process. Per app: a share click before any connection ends in the app's `idc-error` handler; the verify
 * button's popup, alice's sign-in and consent end in the app's `idc-success` handler and the backend's code exchange
 * (the page shows the subject the backend got from the ID token); the share button's popup and the share consent end
 * in the app's `idc-consent` handler and the backend's check of the consent token. One more run (the Svelte app) uses
 * the provider's demo integrator registration and the `/callback` path, as README "Framework examples" says to by hand.
 *
 * Needs `npm run examples:install`; run with examples/playwright.config.ts.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { startExampleServer } from '../../examples/shared/server.mjs';
import { INTEGRATOR } from '../../demo/shared/fixtures.js';
import { ACCOUNT, CLIENT_ID, CLIENT_SECRET, RECIPIENT_ID, decide, integratorClient, signInAndConsent, startE2eProvider } from '../e2e/support/fixtures.js';

const EXAMPLES_DIR = fileURLToPath(new URL('../../examples/', import.meta.url));
const EXAMPLES = ['react-19', 'react-18', 'vue', 'angular', 'svelte'];
const RECIPIENT_NAME = 'E2E Recipient';

/** Clicks a button and resolves the popup the click opened. */
async function clickForPopup(page: Page, name: string): Promise<Page> {
  const opened = page.waitForEvent('popup');
  await page.getByRole('button', { name, exact: true }).click();
  return opened;
}

/**
 * The user's path through an example app served at `origin`: an early share click ends in the app's `idc-error`
 * handler; verify → `idc-success` → the backend exchange; share → `idc-consent` → the backend's check.
 */
async function journey(page: Page, origin: string, recipientName: string): Promise<void> {
  await page.goto(`${origin}/`);
  const connection = page.locator('#connection');
  const sharing = page.locator('#sharing');
  await expect(connection).toHaveText('Not verified yet.');

  // Sharing before a connection: the backend refuses the link, the element reports it, the app shows it.
  const early = await clickForPopup(page, `Continue to ${recipientName}`);
  await expect(sharing).toHaveText(/^Error network: /); // the kit's code for a failed shareLink()
  await expect.poll(() => early.isClosed()).toBe(true);

  const popup = await clickForPopup(page, 'Verify with ID');
  await signInAndConsent(popup);
  await expect(connection).toHaveText(`Connected as ${ACCOUNT.sub}.`);
  await expect.poll(() => popup.isClosed()).toBe(true);

  // alice keeps her provider session: the share link opens straight on the share consent.
  const share = await clickForPopup(page, `Continue to ${recipientName}`);
  await decide(share, 'Allow');
  await expect(sharing).toHaveText('Sharing allowed (verified by the backend).');
  await expect.poll(() => share.isClosed()).toBe(true);
}

for (const name of EXAMPLES) {
  test(`${name}: idc-error, then verify → idc-success → backend exchange, then share → idc-consent`, async ({ page }) => {
    const appDir = `${EXAMPLES_DIR}${name}`;
    test.skip(!existsSync(`${appDir}/node_modules`), `examples/${name} is not installed: npm run examples:install`);
    // The provider registers the app's callback page, and the backend names the provider: the backend starts first
    // and reads the issuer per request.
    let issuer = '';
    const app = await startExampleServer({
      appDir,
      issuer: () => issuer,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      recipientId: RECIPIENT_ID,
      recipientName: RECIPIENT_NAME,
    });
    const provider = await startE2eProvider([integratorClient([`${app.origin}/callback.html`])]).catch(async (err) => {
      await app.close();
      throw err;
    });
    issuer = provider.issuer;
    try {
      await journey(page, app.origin, RECIPIENT_NAME);
    } finally {
      await Promise.all([app.close(), provider.close()]);
    }
  });
}

test('by hand (README "Framework examples"): the demo integrator\'s registration, callback path /callback', async ({ page }) => {
  const appDir = `${EXAMPLES_DIR}svelte`;
  test.skip(!existsSync(`${appDir}/node_modules`), 'examples/svelte is not installed: npm run examples:install');
  let issuer = '';
  const app = await startExampleServer({
    appDir,
    issuer: () => issuer,
    clientId: INTEGRATOR.clientId,
    clientSecret: INTEGRATOR.clientSecret,
    recipientId: 'demo-recipient',
    recipientName: 'Regulated Bank',
    callbackPath: '/callback',
    host: 'localhost',
  });
  // The provider's demo clients, with the integrator's origin where the backend listens (INTEGRATOR_PORT).
  const provider = await startE2eProvider([], { integratorOrigin: app.origin }).catch(async (err) => {
    await app.close();
    throw err;
  });
  issuer = provider.issuer;
  try {
    await journey(page, app.origin, 'Regulated Bank');
  } finally {
    await Promise.all([app.close(), provider.close()]);
  }
});
