/**
 * Playwright fixtures for the flow e2e tests: a fresh reference provider (demo/provider, `startProvider`, with the
 * e2e integrator and recipient as extra clients) and integrator site per test, the user's steps at the provider's
 * real screens, and the integrator backend's half (openid-client code exchange, share links from the provider's
 * API), in the test's Node process.
 *
 * The provider listens on 127.0.0.1 and is addressed as http://localhost:<port>: another site than the integrator
 * (http://127.0.0.1:<port>). Its consent screens need the built provider UI bundle (dist/, or IDC_DIST_DIR).
 */
import { existsSync } from 'node:fs';
import { test as base, expect, type Page } from '@playwright/test';
import { createLocalJWKSet } from 'jose';
import * as client from 'openid-client';
import type { ClientMetadata } from 'oidc-provider';
import { DEMO_ACCOUNTS } from '../../../demo/provider/accounts.js';
import { BASIC_KYC_LEVEL } from '../../../demo/provider/clients.js';
import { startProvider, type RunningProvider, type StartProviderOptions } from '../../../demo/provider/index.js';
import { distDir } from '../support-journey/servers.js';
import { startIntegrator, type Integrator, type IntegratorConfig } from './integrator.js';

export const CLIENT_ID = 'e2e-integrator';
export const CLIENT_SECRET = 'e2e-integrator-secret';
/** The recipient the e2e share links are for (an active partnership with the e2e integrator from the start). */
export const RECIPIENT_ID = 'e2e-recipient';
/** The demo's alice: who signs in at the provider, and her subject. */
export const ACCOUNT = {
  email: 'alice@example.com',
  password: 'alice-demo',
  sub: DEMO_ACCOUNTS.find((a) => a.email === 'alice@example.com')!.id,
};
/** The `error_description` the provider sends when the user declines the connect consent. */
export const DECLINED_DESCRIPTION = 'End-User denied the authorization request';

/** The e2e integrator's registration at the provider (confidential, PKCE as the provider requires). */
export function integratorClient(redirectUris: string[], grantTypes = ['authorization_code', 'refresh_token']): ClientMetadata {
  return {
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    client_name: 'E2E Integrator',
    grant_types: grantTypes,
    response_types: ['code'],
    redirect_uris: redirectUris,
    token_endpoint_auth_method: 'client_secret_basic',
    idc_role: 'integrator',
  };
}

const RECIPIENT_CLIENT: ClientMetadata = {
  client_id: RECIPIENT_ID,
  client_secret: `${RECIPIENT_ID}-secret`,
  client_name: 'E2E Recipient',
  redirect_uris: [],
  grant_types: [],
  response_types: [],
  token_endpoint_auth_method: 'client_secret_basic',
  idc_role: 'recipient',
  idc_allowed_donors: [CLIENT_ID],
  idc_levels: { 'basic-kyc-level': BASIC_KYC_LEVEL },
};

/** The built provider UI bundle (`<idc-consent-screen>` on the provider's consent screens). */
function providerUiBundle(): string {
  const path = `${distDir()}idconnect-kit-provider-ui.iife.js`;
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm run build\` before the e2e tests.`);
  return path;
}

/** The reference provider on 127.0.0.1 (free port) with these clients next to the demo's, plus the e2e recipient. */
export function startE2eProvider(clients: ClientMetadata[], options: Partial<StartProviderOptions> = {}): Promise<RunningProvider> {
  return startProvider({
    host: '127.0.0.1',
    port: 0,
    uiBundlePath: providerUiBundle(),
    ...options,
    extraClients: [...clients, RECIPIENT_CLIENT, ...(options.extraClients ?? [])],
  });
}

/** The provider's published keys (ID tokens and consent tokens), for jose. */
export async function providerJwks(issuer: string): Promise<ReturnType<typeof createLocalJWKSet>> {
  const response = await fetch(new URL('/jwks', issuer));
  if (!response.ok) throw new Error(`GET /jwks: ${response.status}`);
  return createLocalJWKSet((await response.json()) as Parameters<typeof createLocalJWKSet>[0]);
}

export interface Servers {
  provider: RunningProvider;
  integrator: Integrator;
  /** A second, independent provider (same client registered): the "other issuer" of a mix-up. */
  otherProvider: () => Promise<RunningProvider>;
  /** What the integrator backend keeps: the connect token of alice's connection (see {@link connectAlice}). */
  backend: { connectToken?: string };
}

async function startServers(providerOptions: Partial<StartProviderOptions>): Promise<Servers & { close(): Promise<void> }> {
  // The provider registers the integrator's redirect URIs and the integrator page names the provider: the
  // integrator starts first and gets the provider's issuer right after (its config is read per request).
  const config: IntegratorConfig = { authority: '', clientId: CLIENT_ID };
  const integrator = await startIntegrator(config);
  const clients = (): ClientMetadata[] => [
    integratorClient(['/app.html', '/callback.html', '/elements.html', '/share.html', '/share-callback.html'].map((p) => integrator.origin + p)),
  ];
  let provider: RunningProvider;
  try {
    provider = await startE2eProvider(clients(), providerOptions);
  } catch (err) {
    await integrator.close();
    throw err;
  }
  const backend: Servers['backend'] = {};
  config.authority = provider.issuer;
  // The integrator backend asks the provider's share-link API, with the connect token of alice's connection.
  config.shareLink = async ({ state, redirectUri, displayMode }) => {
    if (!backend.connectToken) throw new Error('not connected: the test calls connectAlice() first');
    const response = await fetch(new URL('/api/share-link', provider.issuer), {
      method: 'POST',
      headers: { authorization: `Bearer ${backend.connectToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ redirectUri, forClientId: RECIPIENT_ID, displayMode, state }),
    });
    const body = (await response.json()) as { link?: string; error?: string };
    if (!response.ok || !body.link) throw new Error(`share link refused: ${response.status} ${body.error}`);
    return body.link;
  };
  const extra: RunningProvider[] = [];
  return {
    provider,
    integrator,
    backend,
    otherProvider: async () => {
      const other = await startE2eProvider(clients(), providerOptions);
      extra.push(other);
      return other;
    },
    close: async () => {
      await Promise.all([integrator.close(), provider.close(), ...extra.map((p) => p.close())]);
    },
  };
}

export const test = base.extend<{ providerOptions: Partial<StartProviderOptions>; servers: Servers }>({
  /** More options for the test's providers, e.g. `test.use({ providerOptions: { coop: true } })`. */
  providerOptions: [{}, { option: true }],
  servers: async ({ providerOptions }, use) => {
    const servers = await startServers(providerOptions);
    try {
      await use(servers);
    } finally {
      await servers.close();
    }
  },
});

export { expect };

/**
 * Answers the provider's consent screen (connect or share): Allow once it is armed (it ignores clicks for
 * 300 ms–1 s; docs/security.md §27), or Decline.
 */
export async function decide(page: Page, decision: 'Allow' | 'Decline' = 'Allow'): Promise<void> {
  const button = page.getByRole('button', { name: decision, exact: true });
  await expect(button).toBeVisible();
  if (decision === 'Allow') await expect(button).not.toHaveAttribute('aria-disabled', 'true');
  await button.click();
}

/** The user signs in as alice and answers the connect consent in `popup` (or the page itself in redirect mode). */
export async function signInAndConsent(page: Page, decision: 'Allow' | 'Decline' = 'Allow'): Promise<void> {
  await page.getByLabel('Email').fill(ACCOUNT.email);
  await page.getByLabel('Password').fill(ACCOUNT.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await decide(page, decision);
}

/** Opens the e2e integrator's page and clicks its verify button; resolves the popup the click opened. */
export async function openVerifyPopup(page: Page, servers: Servers): Promise<Page> {
  await page.goto(`${servers.integrator.origin}/app.html`);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  const popupOpened = page.waitForEvent('popup');
  await page.getByRole('button', { name: 'Verify with ID' }).click();
  return popupOpened;
}

/**
 * Alice connects the e2e integrator (popup, sign-in, consent) and the backend keeps her connect token: what a share
 * link needs. The browser keeps her provider session, so a share link opens straight on the share consent.
 */
export async function connectAlice(page: Page, servers: Servers): Promise<void> {
  const popup = await openVerifyPopup(page, servers);
  await signInAndConsent(popup);
  const [event] = await flowEvents(page);
  if (event?.kind !== 'success') throw new Error(`connecting failed: ${JSON.stringify(event)}`);
  await expect.poll(() => popup.isClosed()).toBe(true);
  const { tokens } = await exchange(servers.provider.issuer, event.result!);
  expect(tokens.scope?.split(' ')).toContain('share');
  servers.backend.connectToken = tokens.access_token;
}

export interface FlowEvent {
  kind: 'success' | 'error' | 'cancel';
  code?: string;
  reason?: string;
  message?: string;
  oauthError?: string;
  oauthErrorDescription?: string;
  resumed?: boolean;
  result?: {
    code: string;
    codeVerifier: string;
    state: string;
    redirectUri: string;
    clientId: string;
    issuer: string;
    mode: string;
    nonce: string;
  };
}

/** Waits until the integrator page recorded at least `count` flow outcomes and returns them. */
export async function flowEvents(page: Page, count = 1): Promise<FlowEvent[]> {
  try {
    await page.waitForFunction((n) => ((window as unknown as { events?: unknown[] }).events?.length ?? 0) >= n, count);
  } catch (err) {
    const seen = await page.evaluate(() => JSON.stringify((window as unknown as { events?: unknown[] }).events)).catch(() => '?');
    throw new Error(`expected ${count} flow outcome(s) on ${page.url()}, saw ${seen}`, { cause: err });
  }
  return page.evaluate(() => (window as unknown as { events: FlowEvent[] }).events);
}

/** The integrator backend's half: exchange the code with PKCE at the token endpoint, checking state, iss and nonce. */
export async function exchange(issuer: string, result: NonNullable<FlowEvent['result']>) {
  const config = await client.discovery(new URL(issuer), CLIENT_ID, CLIENT_SECRET, undefined, {
    execute: [client.allowInsecureRequests],
  });
  const callbackUrl = new URL(result.redirectUri);
  callbackUrl.search = new URLSearchParams({ code: result.code, state: result.state, iss: result.issuer }).toString();
  const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
    pkceCodeVerifier: result.codeVerifier,
    expectedState: result.state,
    expectedNonce: result.nonce,
  });
  const claims = tokens.claims();
  if (!claims) throw new Error('the token response has no ID token');
  return { tokens, claims };
}
