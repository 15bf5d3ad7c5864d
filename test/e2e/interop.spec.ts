/**
 * The built kit against an OpenID provider nobody here wrote (issue #11 item 5): oauth2-mock-server from npm
 * (test/node/server/support/mock-provider.ts: PKCE S256 required, no login screen — its authorize endpoint redirects
 * straight back) is the authority of `<idc-verify-button>`, in popup mode and in redirect mode, through to
 * `idc-success`; the test's Node process then plays the integrator backend and calls `exchangeCode()` with default
 * options, and checks the ID token the mock signed.
 *
 * The page loads the script-tag build (dist/idconnect-kit.iife.js and its sibling idconnect-kit-flow.js, or
 * IDC_DIST_DIR): self-contained, as a host page uses it. Run `npm run build` first.
 */
import { test as base, expect, type Page } from '@playwright/test';
import { exchangeCode } from '../../src/server/index.js';
import type { ExchangeCodeResult } from '../../src/server/index.js';
import { MOCK_SUBJECT, startMockProvider, type MockProvider } from '../node/server/support/mock-provider.js';
import { IIFE, requireDistFiles, SIBLING, startScriptTagHost } from './support/script-tag-host.js';

/** A client id with a character that openid-client's own client_secret_basic would have sent as `%2D`. */
const CLIENT_ID = 'interop-client';
const CLIENT_SECRET = 'interop-secret.0~9';

interface Site {
  origin: string;
  op: MockProvider;
}

/** The host pages (popup mode, redirect mode), the callback page, and the kit files from dist/. */
async function startSite(): Promise<Site & { close(): Promise<void> }> {
  const op = await startMockProvider();
  const host = await startScriptTagHost({
    title: 'Interop host',
    page: (path) => {
      if (path === '/popup.html') return hostPage(op.issuer, 'popup', `${host.origin}/callback.html`);
      if (path === '/redirect.html') return hostPage(op.issuer, 'redirect', `${host.origin}/redirect.html`);
      if (path === '/callback.html') {
        return `<p>Completing sign-in…</p><script src="/kit/${IIFE}"></script><script>IdConnect.handleCallback();</script>`;
      }
      return undefined;
    },
  });
  return {
    origin: host.origin,
    op,
    close: async () => {
      await Promise.all([host.close(), op.close()]);
    },
  };
}

/** The listeners come first, so a redirect return that resumes at once is recorded too. */
function hostPage(authority: string, mode: 'popup' | 'redirect', redirectUri: string): string {
  return `
<script>
  window.events = [];
  for (const name of ['idc-start', 'idc-success', 'idc-error', 'idc-cancel']) {
    document.addEventListener(name, (e) => events.push({ kind: name, detail: e.detail }));
  }
</script>
<script src="/kit/${IIFE}"></script>
<idc-verify-button authority="${authority}" client-id="${CLIENT_ID}" mode="${mode}" redirect-uri="${redirectUri}"></idc-verify-button>`;
}

const test = base.extend<{ site: Site }>({
  // eslint-disable-next-line no-empty-pattern
  site: async ({}, use) => {
    requireDistFiles(IIFE, SIBLING);
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
  detail: Record<string, unknown>;
}

interface SuccessDetail {
  code: string;
  codeVerifier: string;
  state: string;
  nonce: string;
  redirectUri: string;
  clientId: string;
  issuer: string;
  mode: 'popup' | 'redirect';
}

async function eventsOf(page: Page, count: number): Promise<PageEvent[]> {
  await page.waitForFunction((n) => (window as unknown as { events: unknown[] }).events.length >= n, count);
  return page.evaluate(() => (window as unknown as { events: PageEvent[] }).events);
}

/** The integrator backend's half, with default options: the browser's detail spread in, the configuration last. */
async function backendExchange(site: Site, detail: SuccessDetail): Promise<ExchangeCodeResult> {
  const result = await exchangeCode({ ...detail, issuer: site.op.issuer, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
  expect(result.idTokenClaims).toMatchObject({ iss: site.op.issuer, aud: CLIENT_ID, sub: MOCK_SUBJECT, nonce: detail.nonce });
  expect(result.idTokenClaims.exp).toBeGreaterThan(Date.now() / 1000);
  expect(typeof result.accessToken).toBe('string');
  const sent = site.op.tokenRequests.at(-1)!;
  expect(sent.authorization, 'client_secret_basic with the id as it is').toBe(
    `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`,
  );
  expect(sent.body).toMatchObject({ grant_type: 'authorization_code', code: detail.code, code_verifier: detail.codeVerifier });
  return result;
}

/** The authorization request the browser sent to the mock: PKCE S256 and the nonce of the result. */
function authorizeRequests(page: Page, site: Site): URL[] {
  const seen: URL[] = [];
  page.context().on('request', (r) => {
    const url = new URL(r.url());
    if (url.origin === site.op.issuer && url.pathname === '/authorize') seen.push(url);
  });
  return seen;
}

test('popup mode: the built kit against oauth2-mock-server, then exchangeCode with default options', async ({ page, site }) => {
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const authorizations = authorizeRequests(page, site);
  await page.goto(`${site.origin}/popup.html`);
  const button = page.getByRole('button', { name: 'Verify with ID' });
  await expect(button).toBeVisible();

  const popupOpened = page.waitForEvent('popup');
  await button.click();
  const popup = await popupOpened;
  const events = await eventsOf(page, 2);
  expect(events.map((e) => e.kind)).toEqual(['idc-start', 'idc-success']);
  const detail = events[1]!.detail as unknown as SuccessDetail;
  expect(detail).toMatchObject({ mode: 'popup', clientId: CLIENT_ID, issuer: site.op.issuer, redirectUri: `${site.origin}/callback.html` });
  await expect.poll(() => popup.isClosed(), { message: 'the callback page relays and closes' }).toBe(true);

  expect(authorizations).toHaveLength(1);
  const query = authorizations[0]!.searchParams;
  expect(query.get('code_challenge_method')).toBe('S256');
  expect(query.get('client_id')).toBe(CLIENT_ID);
  expect(query.get('nonce')).toBe(detail.nonce);

  await backendExchange(site, detail);
  expect(pageErrors).toEqual([]);
});

test('redirect mode: leave for oauth2-mock-server, come back, resume, then exchangeCode with default options', async ({ page, site }) => {
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const authorizations = authorizeRequests(page, site);
  const app = `${site.origin}/redirect.html`;
  await page.goto(app);
  const back = page.waitForRequest((r) => r.url().startsWith(`${app}?`) && r.url().includes('code='));
  await page.getByRole('button', { name: 'Verify with ID' }).click();
  await back;

  const events = await eventsOf(page, 1);
  expect(events.map((e) => e.kind)).toEqual(['idc-success']);
  const detail = events[0]!.detail as unknown as SuccessDetail;
  expect(detail).toMatchObject({ mode: 'redirect', clientId: CLIENT_ID, issuer: site.op.issuer, redirectUri: app });
  await expect(page).toHaveURL(app); // code and state gone from the address bar

  expect(authorizations).toHaveLength(1);
  expect(authorizations[0]!.searchParams.get('code_challenge_method')).toBe('S256');
  expect(authorizations[0]!.searchParams.get('redirect_uri')).toBe(app);

  await backendExchange(site, detail);
  expect(pageErrors).toEqual([]);
});
