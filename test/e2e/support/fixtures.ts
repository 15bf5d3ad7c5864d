/**
 * Playwright fixtures for the flow e2e tests: a fresh real provider and integrator site per test, the user's steps
 * at the provider, and the integrator backend's code exchange (openid-client, in the test's Node process).
 */
import { test as base, expect, type Page } from '@playwright/test';
import * as client from 'openid-client';
import type { ClientMetadata } from 'oidc-provider';
import { ACCOUNT, startProvider, type TestProvider } from './provider.js';
import { startIntegrator, type Integrator, type IntegratorConfig } from './integrator.js';

export const CLIENT_ID = 'e2e-integrator';
export const CLIENT_SECRET = 'e2e-integrator-secret';

export interface Servers {
  provider: TestProvider;
  integrator: Integrator;
  /** A second, independent provider (same client registered): the "other issuer" of a mix-up. */
  otherProvider: () => Promise<TestProvider>;
}

async function startServers(): Promise<Servers & { close(): Promise<void> }> {
  // The provider registers the integrator's redirect URIs and the integrator page names the provider: the
  // integrator starts first and gets the provider's issuer right after (its config is read per request).
  const config: IntegratorConfig = { authority: '', clientId: CLIENT_ID };
  const integrator = await startIntegrator(config);
  const clients = (): ClientMetadata[] => [
    {
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: ['/app.html', '/callback.html', '/elements.html'].map((p) => integrator.origin + p),
    },
  ];
  const provider = await startProvider({ clients: clients() });
  config.authority = provider.issuer;
  config.shareLink = ({ state, redirectUri }) =>
    provider.createShareLink({ redirectUri, state, audience: CLIENT_ID, forClientId: 'e2e-recipient' });
  const extra: TestProvider[] = [];
  return {
    provider,
    integrator,
    otherProvider: async () => {
      const other = await startProvider({ clients: clients() });
      extra.push(other);
      return other;
    },
    close: async () => {
      await Promise.all([integrator.close(), provider.close(), ...extra.map((p) => p.close())]);
    },
  };
}

export const test = base.extend<{ servers: Servers }>({
  // eslint-disable-next-line no-empty-pattern
  servers: async ({}, use) => {
    const servers = await startServers();
    try {
      await use(servers);
    } finally {
      await servers.close();
    }
  },
});

export { expect };

/** The user signs in and answers the consent screen in `popup` (or the page itself in redirect mode). */
export async function signInAndConsent(page: Page, decision: 'Allow' | 'Deny' = 'Allow'): Promise<void> {
  await page.getByLabel('Email').fill(ACCOUNT.email);
  await page.getByLabel('Password').fill(ACCOUNT.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: decision }).click();
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
