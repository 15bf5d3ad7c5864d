import assert from 'node:assert/strict';
import * as client from 'openid-client';
import { startProvider, type RunningProvider, type StartProviderOptions } from '../../../demo/provider/index.js';

export const INTEGRATOR = { id: 'demo-integrator', secret: 'demo-integrator-secret' };
export const RECIPIENT = { id: 'demo-recipient', secret: 'demo-recipient-secret' };
export const RECIPIENT_2 = { id: 'demo-recipient-2', secret: 'demo-recipient-2-secret' };
export const CALLBACK = 'http://localhost:5173/callback';
export const SHARE_CALLBACK = 'http://localhost:5173/share-callback';
export const ALICE = { email: 'alice@example.com', password: 'alice-demo' };
export const BOB = { email: 'bob@example.com', password: 'bob-demo' };

/** A provider for one test file: 127.0.0.1, random port, no UI bundle needed. */
export function start(options: StartProviderOptions = {}): Promise<RunningProvider> {
  return startProvider({ host: '127.0.0.1', port: 0, ...options });
}

interface Cookie {
  name: string;
  value: string;
  path: string;
}

/** Just enough browser for server-rendered flows: a cookie jar (with paths) and manual redirects. */
export class Browser {
  readonly origin: string;
  readonly #cookies = new Map<string, Cookie>();

  constructor(origin: string) {
    this.origin = origin;
  }

  #store(setCookies: string[]): void {
    for (const line of setCookies) {
      const [pair = '', ...attrs] = line.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      const path = attrs.find((a) => a.toLowerCase().startsWith('path='))?.slice(5) ?? '/';
      const expires = attrs.find((a) => a.toLowerCase().startsWith('expires='))?.slice(8);
      const key = `${name};${path}`;
      if (!value || (expires && Date.parse(expires) <= Date.now())) this.#cookies.delete(key);
      else this.#cookies.set(key, { name, value, path });
    }
  }

  cookieHeader(pathname: string): string {
    return [...this.#cookies.values()]
      .filter((c) => pathname === c.path || pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`) || c.path === '/')
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }

  async request(
    target: string,
    init: { method?: string; form?: Record<string, string>; multipart?: FormData; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    const url = new URL(target, this.origin);
    assert.equal(url.origin, this.origin, `the test browser only talks to the provider, not ${url.origin}`);
    const headers: Record<string, string> = { ...init.headers };
    const cookie = this.cookieHeader(url.pathname);
    if (cookie) headers['cookie'] = cookie;
    let body: string | FormData | undefined;
    if (init.form) {
      body = new URLSearchParams(init.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    } else if (init.multipart) {
      body = init.multipart; // fetch sets the multipart content type with its boundary
    }
    const res = await fetch(url, { method: init.method ?? (body ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
    this.#store(res.headers.getSetCookie());
    return res;
  }

  /**
   * Follows 30x redirects and auto-submitting form-post pages on the provider; stops at the first response that
   * is not a redirect, or at a redirect that leaves the provider (returned as `external`).
   */
  async follow(
    target: string,
    init: Parameters<Browser['request']>[1] = {},
  ): Promise<{ res: Response; url: string; html: string; external?: URL }> {
    let res = await this.request(target, init);
    let url = new URL(target, this.origin).href;
    for (let hops = 0; hops < 15; hops++) {
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) {
        const next = new URL(location, url);
        if (next.origin !== this.origin) return { res, url, html: '', external: next };
        url = next.href;
        res = await this.request(url);
        continue;
      }
      const html = await res.text();
      const formPost = /<form method="post" action="([^"]+)">([\s\S]*?)<\/form>/.exec(html);
      if (res.headers.get('content-type')?.includes('html') && formPost && html.includes('document.forms[0].submit()')) {
        const action = decodeEntities(formPost[1]!);
        const fields = Object.fromEntries(
          [...formPost[2]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"\/>/g)].map((m) => [
            m[1]!,
            decodeEntities(m[2]!),
          ]),
        );
        const next = new URL(action, url);
        if (next.origin !== this.origin) return { res, url, html, external: next };
        url = next.href;
        res = await this.request(url, { form: fields });
        continue;
      }
      return { res, url, html };
    }
    throw new Error('too many redirects');
  }
}

export function decodeEntities(s: string): string {
  return s
    .replace(/&#(\d+);/g, (_m, n: string) => String.fromCharCode(Number(n)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

export function csrfFrom(html: string): string {
  const match = /name="csrf" value="([^"]+)"/.exec(html);
  assert.ok(match, 'page has a CSRF field');
  return decodeEntities(match[1]!);
}

/** The JSON data block a consent page hands to `<idc-consent-screen>`. */
export function screenData(html: string): { screen: Record<string, any>; switchUrl: string } {
  const match = /<script type="application\/json" id="idc-data">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(match, 'page has the idc-data JSON block');
  return JSON.parse(match[1]!);
}

export async function oidcConfig(issuer: string, id = INTEGRATOR.id, secret = INTEGRATOR.secret) {
  const url = new URL(issuer);
  assert.ok(['localhost', '127.0.0.1'].includes(url.hostname), 'insecure requests are for localhost only');
  return client.discovery(url, id, undefined, client.ClientSecretBasic(secret), {
    execute: [client.allowInsecureRequests],
  });
}

export interface ConnectResult {
  browser: Browser;
  accessToken: string;
  refreshToken?: string;
  idToken: string | undefined;
  idTokenClaims: Record<string, unknown> | undefined;
  scope: string | undefined;
}

/**
 * The whole connect flow as a browser and the integrator's backend do it: authorization request with PKCE,
 * login form, authorization screen, code exchange with openid-client.
 */
export async function connect(
  provider: RunningProvider,
  options: {
    scope?: string;
    prompt?: string;
    account?: typeof ALICE;
    browser?: Browser;
    client?: { id: string; secret: string };
  } = {},
): Promise<ConnectResult> {
  const browser = options.browser ?? new Browser(provider.issuer);
  const account = options.account ?? ALICE;
  const config = await oidcConfig(provider.issuer, options.client?.id, options.client?.secret);
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const authUrl = client.buildAuthorizationUrl(config, {
    redirect_uri: CALLBACK,
    scope: options.scope ?? 'openid email share',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    ...(options.prompt ? { prompt: options.prompt } : {}),
  });
  let step = await browser.follow(authUrl.href);
  if (/name="password"/.test(step.html)) {
    step = await browser.follow(new URL(step.url).pathname + '/login', {
      form: { email: account.email, password: account.password, csrf: csrfFrom(step.html) },
    });
  }
  if (!step.external) {
    assert.match(step.html, /<idc-consent-screen kind="connect">/);
    const uid = /\/interaction\/([\w-]+)/.exec(step.url)![1];
    step = await browser.follow(`/interaction/${uid}/consent`, {
      form: { csrf: csrfFrom(step.html), decision: 'allow' },
    });
  }
  assert.ok(step.external, `flow ends at the client's redirect URI (got ${step.res.status} at ${step.url})`);
  assert.equal(step.external.origin + step.external.pathname, CALLBACK);
  const tokens = await client.authorizationCodeGrant(config, step.external, {
    pkceCodeVerifier: verifier,
    expectedState: state,
  });
  return {
    browser,
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
    idToken: tokens.id_token,
    idTokenClaims: tokens.claims() as Record<string, unknown> | undefined,
    scope: tokens.scope,
  };
}

export function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

/** POST JSON to an API route. */
export async function api(
  provider: RunningProvider,
  path: string,
  body: unknown,
  auth: string | undefined,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: any; headers: Headers }> {
  const res = await fetch(new URL(path, provider.issuer), {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(auth ? { authorization: auth } : {}),
      ...headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, json, headers: res.headers };
}

/** Asserts a 4xx JSON error with the given code. */
export function assertApiError(result: { status: number; json: any }, status: number, code: string): void {
  assert.equal(result.status, status, `expected ${status} ${code}, got ${result.status} ${JSON.stringify(result.json)}`);
  assert.equal(result.json?.error, code);
  assert.equal(typeof result.json?.error_description, 'string');
}

/** Asserts the headers every provider HTML screen must carry (docs/security.md §26 and §31). */
export function assertScreenHeaders(res: Response, { nonce = true } = {}): void {
  assert.match(res.headers.get('content-type') ?? '', /text\/html/);
  const csp = res.headers.get('content-security-policy') ?? '';
  assert.match(csp, /frame-ancestors 'none'/);
  assert.match(csp, /require-trusted-types-for 'script'/);
  assert.match(csp, /script-src [^;]*'strict-dynamic'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  if (nonce) assert.match(csp, /script-src 'nonce-[A-Za-z0-9+/=]{16,}'/);
  assert.equal(res.headers.get('x-frame-options'), 'DENY');
  assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
}

export function bearer(token: string): string {
  return `Bearer ${token}`;
}

/** A share link from the integrator's backend, for `forClientId`. */
export async function createShareLink(
  provider: RunningProvider,
  connectToken: string,
  body: Record<string, unknown> = {},
): Promise<string> {
  const result = await api(
    provider,
    '/api/share-link',
    { redirectUri: SHARE_CALLBACK, forClientId: RECIPIENT.id, displayMode: 'popup', state: 'share-state-1', ...body },
    bearer(connectToken),
  );
  assert.equal(result.status, 200, JSON.stringify(result.json));
  return result.json.link;
}

/** Opens a share link in the (signed-in) browser and posts the decision; returns where the provider sent it. */
export async function decideShare(
  conn: ConnectResult,
  link: string,
  decision: 'allow' | 'deny' = 'allow',
): Promise<{ location: URL; html: string; csrf: string }> {
  const screen = await conn.browser.follow(link);
  assert.equal(screen.res.status, 200, `share screen (${screen.res.status})`);
  assert.match(screen.html, /<idc-consent-screen kind="share">/);
  const csrf = csrfFrom(screen.html);
  const res = await conn.browser.request(new URL(link).pathname, { form: { csrf, decision } });
  assert.equal(res.status, 303, `decision redirects (${res.status})`);
  return { location: new URL(res.headers.get('location')!), html: screen.html, csrf };
}

/** Gives alice's consent for (demo-integrator, recipient) through a share link. */
export async function consentTo(provider: RunningProvider, conn: ConnectResult, forClientId = RECIPIENT.id) {
  const link = await createShareLink(provider, conn.accessToken, { forClientId });
  return decideShare(conn, link, 'allow');
}

export async function mintShareToken(
  provider: RunningProvider,
  connectToken: string,
  forClientId = RECIPIENT.id,
  ttlInSecs = 120,
): Promise<{ token: string; sharingAllowed: boolean }> {
  const result = await api(provider, '/api/share-token', { forClientId, ttlInSecs }, bearer(connectToken));
  assert.equal(result.status, 200, JSON.stringify(result.json));
  return result.json;
}
