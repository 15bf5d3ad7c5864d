/**
 * The sandbox accounts (demo/provider/sandbox.ts): test accounts whose flows end in a scripted way, only in the demo
 * configuration. Each script is driven here through the provider's real routes as a browser and the integrator's
 * backend drive them (authorization request with PKCE, login form, share link), and the scripted answer is checked
 * where the kit would read it: the redirect to the client (code or `error`), the consent token, or a page that
 * closes its own window.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it, mock } from 'node:test';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as client from 'openid-client';
import type { RunningProvider } from '../../../demo/provider/index.js';
import { SANDBOX_ACCOUNTS, SANDBOX_CLOSE_MS, SANDBOX_PAGE_MS, SANDBOX_PASSWORD, SANDBOX_SLOW_MS } from '../../../demo/provider/sandbox.js';
import {
  ALICE,
  Browser,
  CALLBACK,
  INTEGRATOR,
  RECIPIENT,
  SHARE_CALLBACK,
  api,
  basic,
  bearer,
  connect,
  createShareLink,
  csrfFrom,
  decideShare,
  mintShareToken,
  oidcConfig,
  start,
} from './helpers.js';

const account = (name: string) => ({ email: `sandbox+${name}@example.com`, password: SANDBOX_PASSWORD });

/** The kit's default `timeout` (seconds) of a waiting flow: the slow account must answer well within it. */
const KIT_DEFAULT_TIMEOUT_S = 600;

/** Signs in at the login form of a fresh authorization request and follows the provider's answer to its end. */
async function signIn(provider: RunningProvider, name: string, browser = new Browser(provider.issuer)) {
  const config = await oidcConfig(provider.issuer);
  const state = client.randomState();
  const authUrl = client.buildAuthorizationUrl(config, {
    redirect_uri: CALLBACK,
    scope: 'openid email share',
    code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
    code_challenge_method: 'S256',
    state,
  });
  const login = await browser.follow(authUrl.href);
  assert.match(login.html, /name="password"/, 'the real login form');
  const step = await browser.follow(new URL(login.url).pathname + '/login', {
    form: { ...account(name), csrf: csrfFrom(login.html) },
  });
  return { step, state, browser };
}

async function consentToken(provider: RunningProvider, location: URL) {
  assert.equal(location.origin + location.pathname, SHARE_CALLBACK);
  const token = location.searchParams.get('token');
  assert.ok(token, 'the consent token comes back');
  const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL('/jwks', provider.issuer)), {
    issuer: provider.issuer,
    audience: INTEGRATOR.id,
    typ: 'share-consent+jwt',
  });
  return payload;
}

const CLOSES_ITSELF = new RegExp(`<script nonce="[^"]+">setTimeout\\(function \\(\\) \\{ window\\.close\\(\\); \\}, ${SANDBOX_CLOSE_MS}\\);</script>`);

describe('sandbox accounts: the table', () => {
  it('one address per outcome, sandbox+<name>@example.com, one password, every scripted answer covered', () => {
    const emails = SANDBOX_ACCOUNTS.map((a) => a.email);
    assert.equal(new Set(emails).size, emails.length);
    for (const a of SANDBOX_ACCOUNTS) {
      assert.match(a.email, /^sandbox\+[a-z-]+@example\.com$/);
      assert.equal(a.password, SANDBOX_PASSWORD);
      assert.equal(a.id, `acc-sandbox-${a.email.slice(8, a.email.indexOf('@'))}`);
    }
    assert.deepEqual(new Set(SANDBOX_ACCOUNTS.map((a) => a.script.connect)), new Set(['allow', 'deny', 'close', 'rejected']));
    assert.deepEqual(new Set(SANDBOX_ACCOUNTS.map((a) => a.script.share)), new Set(['allow', 'deny', 'close', 'expired']));
    for (const name of ['approve', 'deny', 'rejected', 'slow', 'popup-closed', 'consent-declined', 'share-closed', 'link-expired']) {
      assert.ok(emails.includes(account(name).email), name);
    }
  });

  it('the slow delay is long enough to see the pending state and far below the kit\u2019s default timeout', () => {
    assert.ok(SANDBOX_SLOW_MS >= 1000);
    // three delayed steps (sign-in, connect consent, share consent) still end well before the flow would time out
    assert.ok(3 * SANDBOX_SLOW_MS < (KIT_DEFAULT_TIMEOUT_S * 1000) / 10);
    const delayed = SANDBOX_ACCOUNTS.filter((a) => a.script.delayMs > 0);
    assert.deepEqual(delayed.map((a) => [a.email, a.script.delayMs]), [[account('slow').email, SANDBOX_SLOW_MS]]);
  });
});

describe('sandbox accounts: not without the demo configuration', () => {
  let provider: RunningProvider;
  before(async () => {
    provider = await start();
  });
  after(() => provider.close());

  it('are not seeded and cannot sign in; scripts never apply', async () => {
    assert.equal(provider.kit.sandbox, undefined);
    assert.equal(await provider.kit.accounts.findByEmail(account('approve').email), undefined);
    const { step } = await signIn(provider, 'approve');
    assert.equal(step.res.status, 401);
    assert.match(step.html, /The email or password is not correct\./);
  });
});

describe('sandbox accounts: scripted outcomes (dev)', () => {
  let provider: RunningProvider;
  before(async () => {
    provider = await start({ dev: true });
  });
  after(() => provider.close());
  afterEach(() => mock.timers.reset());

  it('approve: no consent screen — the code comes back; the share consent is allowed (signed token)', async () => {
    const conn = await connect(provider, { account: account('approve') });
    assert.match(conn.scope ?? '', /\bshare\b/);
    assert.equal(conn.idTokenClaims?.['email'], account('approve').email);
    const link = await createShareLink(provider, conn.accessToken);
    const res = await conn.browser.request(new URL(link).pathname);
    assert.equal(res.status, 303);
    const payload = await consentToken(provider, new URL(res.headers.get('location')!));
    assert.equal(payload['sharingAllowed'], true);
    assert.equal(payload['state'], 'share-state-1');
    assert.equal((await mintShareToken(provider, conn.accessToken)).sharingAllowed, true);
  });

  it('deny: the connect consent answers access_denied to the client, with state and iss', async () => {
    const { step, state } = await signIn(provider, 'deny');
    assert.ok(step.external, `ends at the client (got ${step.res.status} ${step.url})`);
    assert.equal(step.external.origin + step.external.pathname, CALLBACK);
    assert.equal(step.external.searchParams.get('error'), 'access_denied');
    assert.equal(step.external.searchParams.get('state'), state);
    assert.equal(step.external.searchParams.get('iss'), provider.issuer);
    assert.equal(step.external.searchParams.get('code'), null);
  });

  it('popup-closed: after sign-in a page that closes its own window; nothing reaches the client', async () => {
    const { step } = await signIn(provider, 'popup-closed');
    assert.equal(step.external, undefined);
    assert.equal(step.res.status, 200);
    assert.match(step.html, /the provider closes this window now/);
    assert.match(step.html, CLOSES_ITSELF);
    assert.match(step.url, /\/interaction\/[\w-]+$/);
  });

  it('rejected: the real rejection page (reason, Try again), which closes its window; no grant is possible', async () => {
    const { step } = await signIn(provider, 'rejected');
    assert.equal(step.external, undefined);
    assert.match(step.url, /\/verify\/review\?return=%2Finteraction%2F/);
    assert.match(step.html, /We could not verify your document/);
    assert.match(step.html, /The document has expired\. Use a valid document\./);
    assert.match(step.html, />Try again</);
    assert.match(step.html, CLOSES_ITSELF);
    const sandboxed = await provider.kit.accounts.findByEmail(account('rejected').email);
    assert.equal(await provider.kit.verification.isVerified(sandboxed!.id), false);
  });

  it('consent-declined: connects; the share consent answers a signed token with sharingAllowed false', async () => {
    const conn = await connect(provider, { account: account('consent-declined') });
    const link = await createShareLink(provider, conn.accessToken);
    const res = await conn.browser.request(new URL(link).pathname);
    assert.equal(res.status, 303);
    const payload = await consentToken(provider, new URL(res.headers.get('location')!));
    assert.equal(payload['sharingAllowed'], false);
    assert.equal((await mintShareToken(provider, conn.accessToken)).sharingAllowed, false);
  });

  it('share-closed: connects; the share link shows a page that closes its own window, undecided', async () => {
    const conn = await connect(provider, { account: account('share-closed') });
    const link = await createShareLink(provider, conn.accessToken);
    const res = await conn.browser.request(new URL(link).pathname);
    assert.equal(res.status, 200);
    const html = await res.text();
    assert.match(html, CLOSES_ITSELF);
    assert.doesNotMatch(html, /<idc-consent-screen/);
    assert.equal((await provider.kit.shares.lookupLink(new URL(link).pathname.slice(7))).status, 'pending');
  });

  it('link-expired: every link is issued expired; its page returns to the integrator with error=link_expired', async () => {
    const conn = await connect(provider, { account: account('link-expired') });
    const issued = await api(
      provider,
      '/api/share-link',
      { redirectUri: SHARE_CALLBACK, forClientId: RECIPIENT.id, displayMode: 'popup', state: 'expired-state-1' },
      bearer(conn.accessToken),
    );
    assert.equal(issued.status, 200);
    assert.equal(issued.json.expiresIn, 0);
    const path = new URL(issued.json.link).pathname;
    const res = await conn.browser.request(path);
    assert.equal(res.status, 410);
    const html = await res.text();
    assert.match(html, /This sharing link has expired\./);
    const href = /<a class="button" id="idc-return" href="([^"]+)">Back to Acme Marketplace<\/a>/.exec(html)?.[1];
    assert.ok(href, 'a way back to the integrator');
    const back = new URL(href.replace(/&#38;/g, '&'));
    assert.equal(back.origin + back.pathname, SHARE_CALLBACK);
    assert.equal(back.searchParams.get('error'), 'link_expired');
    assert.equal(back.searchParams.get('state'), 'expired-state-1');
    assert.equal(back.searchParams.get('token'), null);
    assert.match(html, new RegExp(`location\\.replace\\(a\\.href\\); \\}, ${SANDBOX_PAGE_MS}\\)`), 'the sandbox follows it by itself');
    // and it cannot be decided
    const post = await conn.browser.request(path, { form: { csrf: 'x', decision: 'allow' } });
    assert.notEqual(post.status, 303);
    assert.equal((await mintShareToken(provider, conn.accessToken)).sharingAllowed, false);
  });

  it('every password sign-in puts the account back to its script: its share consents are withdrawn', async () => {
    const first = await connect(provider, { account: account('approve') });
    const link = await createShareLink(provider, first.accessToken);
    assert.equal((await first.browser.request(new URL(link).pathname)).status, 303);
    const before = await mintShareToken(provider, first.accessToken);
    assert.equal(before.sharingAllowed, true);
    const id = (await provider.kit.accounts.findByEmail(account('approve').email))!.id;
    await provider.kit.accounts.putDocument(id, { id: 'doc-extra', type: 'id_card', status: 'rejected' });

    await connect(provider, { account: account('approve') }); // a new browser: the login form again
    assert.deepEqual(await provider.kit.shares.consentsOf(id), []);
    assert.equal((await mintShareToken(provider, first.accessToken)).sharingAllowed, false);
    assert.deepEqual((await provider.kit.accounts.documents(id)).map((d) => d.type).sort(), ['passport', 'proof_of_address']);
    // a token minted before the reset stays dead, as after any withdrawal
    const redeem = await api(provider, '/api/reuse', { shareToken: before.token, levelName: 'basic-kyc-level' }, basic(RECIPIENT.id, RECIPIENT.secret));
    assert.equal(redeem.status, 403, JSON.stringify(redeem.json));
  });

  it(`slow: the sign-in, the connect consent and the share consent each take ${SANDBOX_SLOW_MS} ms, then approve`, async () => {
    let started = performance.now();
    const conn = await connect(provider, { account: account('slow') });
    const connectMs = performance.now() - started;
    assert.ok(connectMs >= 2 * SANDBOX_SLOW_MS, `connect took ${Math.round(connectMs)} ms`);
    const link = await createShareLink(provider, conn.accessToken);
    started = performance.now();
    const res = await conn.browser.request(new URL(link).pathname);
    const shareMs = performance.now() - started;
    assert.ok(shareMs >= SANDBOX_SLOW_MS, `share took ${Math.round(shareMs)} ms`);
    assert.equal((await consentToken(provider, new URL(res.headers.get('location')!)))['sharingAllowed'], true);
  });

  it('the demo accounts are untouched: alice still sees the real consent screens', async () => {
    const alice = await connect(provider, { account: ALICE });
    const link = await createShareLink(provider, alice.accessToken);
    const { location } = await decideShare(alice, link, 'allow');
    assert.equal((await consentToken(provider, location))['sharingAllowed'], true);
  });
});

describe('an expired share link (every account)', () => {
  let provider: RunningProvider;
  before(async () => {
    provider = await start();
  });
  after(() => provider.close());
  afterEach(() => mock.timers.reset());

  it('offers its own account the way back with error=link_expired, and nobody else; nothing follows it by itself', async () => {
    const alice = await connect(provider);
    const link = await createShareLink(provider, alice.accessToken, { state: 'late-state' });
    mock.timers.enable({ apis: ['Date'], now: Date.now() });
    mock.timers.tick(301_000);
    const path = new URL(link).pathname;
    const own = await alice.browser.request(path);
    assert.equal(own.status, 410);
    const html = await own.text();
    const href = /id="idc-return" href="([^"]+)"/.exec(html)?.[1];
    assert.ok(href);
    const back = new URL(href.replace(/&#38;/g, '&'));
    assert.equal(back.origin + back.pathname, SHARE_CALLBACK);
    assert.deepEqual([back.searchParams.get('error'), back.searchParams.get('state')], ['link_expired', 'late-state']);
    assert.doesNotMatch(html, /location\.replace|window\.close/);

    const stranger = await new Browser(provider.issuer).request(path);
    assert.equal(stranger.status, 410);
    const strangerHtml = await stranger.text();
    assert.match(strangerHtml, /This sharing link has expired\./);
    assert.doesNotMatch(strangerHtml, /idc-return|late-state|share-callback/);
  });
});
