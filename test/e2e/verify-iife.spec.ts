/**
 * The script-tag build as a host page uses it: ONE `<script src=".../idconnect-kit.iife.js">` under a strict CSP
 * (nonce + `'strict-dynamic'`, `require-trusted-types-for 'script'`). The script loads the lazy half of the flow from
 * its sibling file `idconnect-kit-flow.js` on demand; these tests prove that this works under that CSP, end to end
 * against the reference provider (demo/provider), and that errors made in the sibling are `instanceof IdConnect.IdcError` (one class).
 *
 * Uses the built kit (dist/, or IDC_DIST_DIR): run `npm run build` first.
 */
import { test as base, expect, type Page } from '@playwright/test';
import { errorTable } from '../../src/i18n/tables/errors.js';
import type { RunningProvider } from '../../demo/provider/index.js';
import { CLIENT_ID, exchange, integratorClient, signInAndConsent, startE2eProvider, type FlowEvent } from './support/fixtures.js';
import { IIFE, requireDistFiles, SIBLING, startScriptTagHost } from './support/script-tag-host.js';


interface Site {
  origin: string;
  provider: RunningProvider;
}

/** A host page with one script tag, under a strict CSP, and its callback page; the kit files from dist/. */
async function startSite(): Promise<Site & { close(): Promise<void> }> {
  // The provider needs the host's origin for its redirect URI, and the pages need the provider's issuer.
  const late: { provider?: RunningProvider } = {};
  const host = await startScriptTagHost({
    title: 'IIFE host',
    csp: (nonce) =>
      [
        "default-src 'self'",
        `script-src 'nonce-${nonce}' 'strict-dynamic'`,
        `connect-src 'self' ${late.provider!.issuer}`,
        "object-src 'none'",
        "base-uri 'none'",
        "require-trusted-types-for 'script'",
      ].join('; '),
    page: (path) => {
      if (path === '/page.html') return hostPage(late.provider!.issuer, host.origin);
      if (path === '/callback.html') {
        return `<p>Completing sign-in…</p><script nonce="NONCE" src="/kit/${IIFE}"></script>
<script nonce="NONCE">IdConnect.handleCallback();</script>`;
      }
      return undefined;
    },
  });
  const provider = await startE2eProvider([integratorClient([`${host.origin}/callback.html`], ['authorization_code'])]);
  late.provider = provider;
  return {
    origin: host.origin,
    provider,
    close: async () => {
      await Promise.all([host.close(), provider.close()]);
    },
  };
}

function hostPage(issuer: string, origin: string): string {
  return `
<script nonce="NONCE" src="/kit/${IIFE}"></script>
<idc-verify-button authority="${issuer}" client-id="${CLIENT_ID}" redirect-uri="${origin}/callback.html"></idc-verify-button>
<idc-verify-button id="unreachable" authority="${origin}/no-provider" client-id="${CLIENT_ID}" provider-name="Nobody"></idc-verify-button>
<button id="api-unreachable">API: unreachable provider</button>
<button id="api-bad-authority">API: authority with a query</button>
<script nonce="NONCE">
  window.events = [];
  window.violations = [];
  document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective + ' ' + e.blockedURI));
  for (const name of ['idc-start', 'idc-success', 'idc-error', 'idc-cancel']) {
    document.addEventListener(name, (e) => events.push({ kind: name, target: e.target.id, detail: e.detail }));
  }
  // The public API from the same script: the error classes must be the page's own, even for errors made in the
  // lazily loaded sibling file.
  const api = (authority) => () =>
    IdConnect.verify({ authority, clientId: ${JSON.stringify(CLIENT_ID)}, redirectUri: location.origin + '/callback.html' }).then(
      () => events.push({ kind: 'api-success' }),
      (err) => events.push({ kind: 'api-error', code: err.code, isIdcError: err instanceof IdConnect.IdcError, viaHelper: IdConnect.isIdcError(err) }),
    );
  document.querySelector('#api-unreachable').addEventListener('click', api(location.origin + '/no-provider'));
  document.querySelector('#api-bad-authority').addEventListener('click', api('https://id.example.test/?query=1'));
</script>`;
}

const test = base.extend<{ site: Site }>({
  // eslint-disable-next-line no-empty-pattern
  site: async ({}, use) => {
    requireDistFiles(IIFE);
    const site = await startSite();
    try {
      await use(site);
    } finally {
      await site.close();
    }
  },
});

interface PageEvent {
  kind: string;
  target?: string;
  detail?: Record<string, unknown>;
  code?: string;
  isIdcError?: boolean;
  viaHelper?: boolean;
}

async function eventsOf(page: Page, count: number): Promise<PageEvent[]> {
  await page.waitForFunction((n) => (window as unknown as { events: unknown[] }).events.length >= n, count);
  return page.evaluate(() => (window as unknown as { events: PageEvent[] }).events);
}

/** Requests for the kit's files, in order. */
function kitRequests(page: Page): string[] {
  const seen: string[] = [];
  page.on('request', (r) => {
    const file = /\/kit\/([\w.-]+)$/.exec(new URL(r.url()).pathname)?.[1];
    if (file) seen.push(file);
  });
  return seen;
}

test('one script tag under a strict CSP: the sibling file loads on demand and the popup flow completes', async ({ page, site }) => {
  const requests = kitRequests(page);
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${site.origin}/page.html`);
  const button = page.getByRole('button', { name: 'Verify with ID' });
  await expect(button).toBeVisible();

  const popupOpened = page.waitForEvent('popup');
  await button.click();
  const popup = await popupOpened;
  await signInAndConsent(popup);
  const events = await eventsOf(page, 2);
  expect(events.map((e) => e.kind)).toEqual(['idc-start', 'idc-success']);
  const result = events[1]!.detail as NonNullable<FlowEvent['result']>;
  expect(result).toMatchObject({ mode: 'popup', clientId: CLIENT_ID, issuer: site.provider.issuer });
  await expect.poll(() => popup.isClosed(), { message: 'the callback page (same script tag) relays and closes' }).toBe(true);
  const { tokens } = await exchange(site.provider.issuer, result);
  expect(tokens.access_token).toBeTruthy();

  expect(requests.filter((f) => f === IIFE)).toHaveLength(1);
  expect(requests.filter((f) => f === SIBLING), 'the sibling is fetched once, by the script itself').toHaveLength(1);
  expect(requests.every((f) => f === IIFE || f === SIBLING), requests.join()).toBe(true);
  expect(await page.evaluate(() => (window as unknown as { violations: string[] }).violations)).toEqual([]);
  expect(pageErrors).toEqual([]);
});

test('errors made in the sibling file are instanceof IdConnect.IdcError, and the element shows the localized text', async ({ page, site }) => {
  await page.goto(`${site.origin}/page.html`);
  await expect(page.getByRole('button', { name: 'Verify with Nobody' })).toBeVisible();

  // discovery_failed comes from the sibling (metadata fetch), invalid_config too (the full option check lives there).
  await page.locator('#api-unreachable').click();
  await page.locator('#api-bad-authority').click();
  const apiEvents = (await eventsOf(page, 2)).filter((e) => e.kind === 'api-error');
  expect(apiEvents).toEqual(
    expect.arrayContaining([
      { kind: 'api-error', code: 'discovery_failed', isIdcError: true, viaHelper: true },
      { kind: 'api-error', code: 'invalid_config', isIdcError: true, viaHelper: true },
    ]),
  );

  await page.getByRole('button', { name: 'Verify with Nobody' }).click();
  await page.waitForFunction(() =>
    (window as unknown as { events: PageEvent[] }).events.some((e) => e.kind === 'idc-error' && e.target === 'unreachable'),
  );
  const error = (await page.evaluate(() => (window as unknown as { events: PageEvent[] }).events)).find((e) => e.kind === 'idc-error')!;
  expect(error.detail).toMatchObject({ code: 'discovery_failed', retryable: true });
  // The error texts ship in the sibling file too: the line fills in once it has loaded.
  await expect(page.locator('#unreachable').locator('[part="error"]')).toHaveText(errorTable.en.discovery_failed);
  expect(await page.evaluate(() => (window as unknown as { violations: string[] }).violations)).toEqual([]);
});

test('the sibling file cannot be fetched: network error, the blank popup closes, and the next click works', async ({ page, site }) => {
  await page.route(`**/kit/${SIBLING}`, (route) => route.abort('internetdisconnected'));
  await page.goto(`${site.origin}/page.html`);
  const button = page.getByRole('button', { name: 'Verify with ID' });
  await expect(button).toBeVisible();

  const popupOpened = page.waitForEvent('popup');
  await button.click();
  const blank = await popupOpened;
  await page.waitForFunction(() => (window as unknown as { events: PageEvent[] }).events.some((e) => e.kind === 'idc-error'));
  const error = (await page.evaluate(() => (window as unknown as { events: PageEvent[] }).events)).find((e) => e.kind === 'idc-error')!;
  expect(error.detail).toMatchObject({ code: 'network', retryable: true });
  await expect.poll(() => blank.isClosed(), { message: 'the blank popup is not left behind' }).toBe(true);
  await expect(button).not.toHaveAttribute('aria-busy', 'true');

  // Back online: the loader tries again, and the flow runs to the end.
  await page.unroute(`**/kit/${SIBLING}`);
  const popupAgain = page.waitForEvent('popup');
  await button.click();
  await signInAndConsent(await popupAgain);
  await page.waitForFunction(() => (window as unknown as { events: PageEvent[] }).events.some((e) => e.kind === 'idc-success'));
});
