/**
 * The reference provider (demo/provider, `startProvider`) for the exchangeCode and refreshConnection tests, with
 * the test-only options they need: request counters per path (`onRequest`), refresh-token rotation on or off
 * (`rotateRefreshTokens`), short lifetimes (`ttl`). The client is the demo's own integrator (confidential,
 * `client_secret_basic`, PKCE S256).
 *
 * An authorization is driven with plain HTTP through the provider's real screens — the login form (alice) and the
 * connect consent — by the cookie-jar browser of test/node/provider/helpers.ts; {@link ReferenceProvider.disconnect}
 * is the user pressing Disconnect on the account page.
 *
 * Refresh tokens: oidc-provider's default `issueRefreshToken` issues one when the client may use the `refresh_token`
 * grant and `offline_access` was granted (which needs `prompt=consent`).
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import type { RunningProvider, StartProviderOptions } from '../../../../demo/provider/index.js';
import { DEMO_ACCOUNTS } from '../../../../demo/provider/accounts.js';
import { ALICE, Browser, CALLBACK, INTEGRATOR, csrfFrom, start } from '../../provider/helpers.js';

export const CLIENT_ID = INTEGRATOR.id;
export const CLIENT_SECRET = INTEGRATOR.secret;
/** The redirect URI the authorizations use (one of the demo integrator's registered ones). */
export const REDIRECT_URI = CALLBACK;
/** Another redirect URI than the authorized one, on the same site. */
export const OTHER_REDIRECT_URI = new URL('/other', CALLBACK).href;
/** alice's subject (the `sub` of her ID tokens and userinfo). */
export const ACCOUNT_ID = DEMO_ACCOUNTS.find((a) => a.email === ALICE.email)!.id;
/** Seconds an access token lives here (the demo default is an hour). */
export const ACCESS_TOKEN_TTL = 600;

export interface Authorization {
  code: string;
  codeVerifier: string;
  iss: string;
  /** the browser that signed in: it holds alice's provider session (for the account page) */
  browser: Browser;
}

export interface ReferenceProvider {
  /** `http://localhost:<port>` */
  issuer: string;
  /** where it listens, `http://127.0.0.1:<port>` (answers as the issuer all the same) */
  url: string;
  running: RunningProvider;
  /** Requests seen per path (e.g. `/.well-known/openid-configuration`, `/jwks`, `/token`). */
  requests: Map<string, number>;
  /**
   * `/auth` → login form (alice) → connect consent (Allow) → the redirect to REDIRECT_URI; returns its code. A new
   * browser each time (as the old fixed-account shortcut did), unless one is given.
   */
  authorize(params?: { nonce?: string; scope?: string; prompt?: string; browser?: Browser }): Promise<Authorization>;
  /**
   * The user disconnects the integrator on the account page, in the browser that made the connection; asserts that
   * the grant behind `refreshToken` is gone with it.
   */
  disconnect(connection: { browser: Browser; refreshToken: string }): Promise<void>;
  close(): Promise<void>;
}

export function pkcePair(): { codeVerifier: string; codeChallenge: string } {
  const codeVerifier = randomBytes(32).toString('base64url');
  const codeChallenge = createHash('sha256').update(codeVerifier).digest('base64url');
  return { codeVerifier, codeChallenge };
}

export async function startReferenceProvider(
  options: Pick<StartProviderOptions, 'rotateRefreshTokens' | 'ttl'> = {},
): Promise<ReferenceProvider> {
  const requests = new Map<string, number>();
  const running = await start({
    accessTokenTtl: ACCESS_TOKEN_TTL,
    ...options,
    onRequest: (req) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      requests.set(path, (requests.get(path) ?? 0) + 1);
    },
  });
  const { issuer } = running;

  async function authorize(params: { nonce?: string; scope?: string; prompt?: string; browser?: Browser } = {}): Promise<Authorization> {
    const browser = params.browser ?? new Browser(issuer);
    const { codeVerifier, codeChallenge } = pkcePair();
    const state = randomBytes(16).toString('base64url');
    const auth = new URL('/auth', issuer);
    auth.search = new URLSearchParams({
      client_id: CLIENT_ID,
      response_type: 'code',
      redirect_uri: REDIRECT_URI,
      scope: params.scope ?? 'openid email',
      state,
      code_challenge: codeChallenge,
      code_challenge_method: 'S256',
      ...(params.nonce ? { nonce: params.nonce } : {}),
      ...(params.prompt ? { prompt: params.prompt } : {}),
    }).toString();

    let step = await browser.follow(auth.href);
    if (/name="password"/.test(step.html)) {
      step = await browser.follow(`${new URL(step.url).pathname}/login`, {
        form: { email: ALICE.email, password: ALICE.password, csrf: csrfFrom(step.html) },
      });
    }
    if (!step.external) {
      assert.match(step.html, /<idc-consent-screen kind="connect">/, `expected the connect consent (${step.res.status} at ${step.url})`);
      const uid = /\/interaction\/([\w-]+)/.exec(step.url)![1];
      step = await browser.follow(`/interaction/${uid}/consent`, { form: { csrf: csrfFrom(step.html), decision: 'allow' } });
    }
    assert.ok(step.external, `authorization stopped at ${step.res.status} ${step.url}`);
    assert.equal(step.external.origin + step.external.pathname, REDIRECT_URI);
    assert.equal(step.external.searchParams.get('state'), state);
    const code = step.external.searchParams.get('code');
    assert.ok(code, `no code in the redirect: ${step.external.search}`);
    return { code, codeVerifier, iss: step.external.searchParams.get('iss') ?? '', browser };
  }

  async function disconnect({ browser, refreshToken }: { browser: Browser; refreshToken: string }): Promise<void> {
    assert.ok(await running.provider.RefreshToken.find(refreshToken), 'the refresh token is live before');
    const account = await browser.follow('/account');
    assert.equal(account.res.status, 200, `account page (${account.res.status} at ${account.url})`);
    const done = await browser.follow('/account/disconnect', { form: { csrf: csrfFrom(account.html), client: CLIENT_ID } });
    assert.match(done.html, /is disconnected/);
    assert.equal(await running.provider.RefreshToken.find(refreshToken), undefined, 'the grant behind the refresh token is revoked');
  }

  return { issuer, url: running.url, running, requests, authorize, disconnect, close: () => running.close() };
}
