import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it, mock } from 'node:test';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import type { RunningProvider } from '../../../demo/provider/index.js';
import {
  ALICE,
  BOB,
  Browser,
  INTEGRATOR,
  RECIPIENT,
  SHARE_CALLBACK,
  api,
  assertApiError,
  assertScreenHeaders,
  bearer,
  connect,
  createShareLink,
  csrfFrom,
  decideShare,
  screenData,
  start,
  type ConnectResult,
} from './helpers.js';

let provider: RunningProvider;
let alice: ConnectResult;

before(async () => {
  provider = await start({
    extraClients: [
      {
        client_id: 'picky-recipient',
        client_secret: 'picky-recipient-secret',
        client_name: 'Picky Recipient',
        redirect_uris: [],
        grant_types: [],
        response_types: [],
        idc_role: 'recipient',
        idc_allowed_donors: [],
        idc_levels: {},
      },
      {
        client_id: 'es256-integrator',
        client_secret: 'es256-integrator-secret',
        redirect_uris: ['http://localhost:5173/callback'],
        id_token_signed_response_alg: 'ES256',
        idc_role: 'integrator',
      },
    ],
  });
  alice = await connect(provider);
});
after(() => provider.close());
afterEach(() => mock.timers.reset());

async function verifyConsent(jwt: string) {
  const jwks = createRemoteJWKSet(new URL('/jwks', provider.issuer));
  return jwtVerify(jwt, jwks, {
    issuer: provider.issuer,
    audience: INTEGRATOR.id,
    algorithms: ['ES256'],
    typ: 'share-consent+jwt',
  });
}

describe('POST /api/share-link', () => {
  it('returns a single-use link on the provider origin with expiresIn ~300 s', async () => {
    const result = await api(
      provider,
      '/api/share-link',
      { redirectUri: SHARE_CALLBACK, forClientId: RECIPIENT.id, displayMode: 'page', state: 'st' },
      bearer(alice.accessToken),
    );
    assert.equal(result.status, 200);
    assert.match(result.json.link, new RegExp(`^${provider.issuer}/share/[A-Za-z0-9_-]{43}$`));
    assert.equal(result.json.expiresIn, 300);
    assert.equal(result.headers.get('cache-control'), 'no-store');
  });

  it('accepts only a redirectUri registered for the integrator, exactly', async () => {
    for (const redirectUri of [
      'http://localhost:5173/share-callback/',
      'http://localhost:5173/share-callback?x=1',
      'http://localhost:5173/share-callback#x',
      'http://LOCALHOST:5173/share-callback',
      'http://localhost:5174/share-callback',
      'https://evil.example/share-callback',
      'javascript:alert(1)',
    ]) {
      const result = await api(
        provider,
        '/api/share-link',
        { redirectUri, forClientId: RECIPIENT.id, displayMode: 'page', state: 'st' },
        bearer(alice.accessToken),
      );
      assertApiError(result, 400, 'invalid_redirect_uri');
    }
    // the connect callback is registered too, so it is accepted
    const ok = await api(
      provider,
      '/api/share-link',
      { redirectUri: 'http://localhost:5173/callback', forClientId: RECIPIENT.id, state: 'st' },
      bearer(alice.accessToken),
    );
    assert.equal(ok.status, 200);
  });

  it('refuses bad bodies with a coded 4xx', async () => {
    const base = { redirectUri: SHARE_CALLBACK, forClientId: RECIPIENT.id, displayMode: 'page', state: 'st' };
    const cases: [Record<string, unknown>, number, string][] = [
      [{ ...base, displayMode: 'modal' }, 400, 'invalid_request'],
      [{ ...base, state: undefined }, 400, 'invalid_request'],
      [{ ...base, state: '' }, 400, 'invalid_request'],
      [{ ...base, state: 'x'.repeat(513) }, 400, 'invalid_request'],
      [{ ...base, state: 42 }, 400, 'invalid_request'],
      [{ ...base, redirectUri: ['http://localhost:5173/share-callback'] }, 400, 'invalid_request'],
      [{ ...base, forClientId: 'nobody' }, 400, 'invalid_recipient'],
      [{ ...base, forClientId: INTEGRATOR.id }, 400, 'invalid_recipient'],
      [{ ...base, forClientId: 'picky-recipient' }, 403, 'partnership_inactive'],
    ];
    for (const [body, status, code] of cases) {
      assertApiError(await api(provider, '/api/share-link', body, bearer(alice.accessToken)), status, code);
    }
    assertApiError(await api(provider, '/api/share-link', base, undefined), 401, 'invalid_token');
  });
});

describe('GET /share/:id — per-recipient consent screen', () => {
  it('shows <idc-consent-screen kind="share"> with integrator, recipient, data items and account', async () => {
    const link = await createShareLink(provider, alice.accessToken);
    const screen = await alice.browser.follow(link);
    assert.equal(screen.res.status, 200);
    assertScreenHeaders(screen.res);
    assert.match(screen.res.headers.get('content-security-policy')!, /form-action 'self' http:\/\/localhost:5173/);
    const data = screenData(screen.html);
    assert.deepEqual(data.screen['integrator'], {
      name: 'Acme Marketplace',
      clientId: INTEGRATOR.id,
      url: 'http://localhost:5173',
    });
    assert.equal(data.screen['recipient'].name, 'Regulated Bank');
    assert.equal(data.screen['recipient'].clientId, RECIPIENT.id);
    assert.deepEqual(
      data.screen['dataItems'].map((i: { id: string }) => i.id),
      ['identity', 'address'],
    );
    assert.deepEqual(data.screen['account'], { email: ALICE.email });
    assert.equal(data.switchUrl, `${new URL(link).pathname}/login?switch=1`);
  });

  it('allow → 303 to redirectUri?token=<consent JWT> only (the state is inside); the JWT verifies against /jwks', async () => {
    const link = await createShareLink(provider, alice.accessToken, { state: 'bound-state-42' });
    const { location } = await decideShare(alice, link, 'allow');
    assert.equal(location.origin + location.pathname, SHARE_CALLBACK);
    assert.deepEqual([...location.searchParams.keys()], ['token'], 'token only, as the product documents return it');
    const jwt = location.searchParams.get('token')!;
    const header = decodeProtectedHeader(jwt);
    assert.equal(header.alg, 'ES256');
    assert.equal(header.typ, 'share-consent+jwt');
    const { keys } = (await (await fetch(new URL('/jwks', provider.issuer))).json()) as { keys: { kid: string; alg: string }[] };
    assert.equal(keys.find((k) => k.kid === header.kid)?.alg, 'ES256');

    const { payload } = await verifyConsent(jwt);
    assert.equal(payload.iss, provider.issuer);
    assert.equal(payload.aud, INTEGRATOR.id);
    assert.equal(payload.sub, alice.idTokenClaims?.['sub']);
    assert.equal(payload['forClientId'], RECIPIENT.id);
    assert.equal(payload['sharingAllowed'], true);
    assert.equal(payload['state'], 'bound-state-42');
    assert.equal(typeof payload.jti, 'string');
    assert.ok(payload.exp! - payload.iat! <= 300 && payload.exp! > payload.iat!, 'exp within 5 minutes');
  });

  it('an ID token signed with the consent key does not pass as a consent token (typ)', async () => {
    // a client may ask for ES256 ID tokens: oidc-provider then signs them with the same EC key
    const conn = await connect(provider, { client: { id: 'es256-integrator', secret: 'es256-integrator-secret' } });
    const jwks = createRemoteJWKSet(new URL('/jwks', provider.issuer));
    const idToken = conn.idToken!;
    const { protectedHeader } = await jwtVerify(idToken, jwks, { algorithms: ['ES256'] });
    const link = await createShareLink(provider, alice.accessToken);
    const { location } = await decideShare(alice, link, 'allow');
    assert.equal(protectedHeader.kid, decodeProtectedHeader(location.searchParams.get('token')!).kid, 'same key');
    await assert.rejects(
      jwtVerify(idToken, jwks, { algorithms: ['ES256'], typ: 'share-consent+jwt' }),
      (err: Error & { code?: string; claim?: string }) => err.code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && err.claim === 'typ',
    );
  });

  it('deny → a token with sharingAllowed false, and no consent recorded', async () => {
    const conn = await connect(provider);
    const link = await createShareLink(provider, conn.accessToken, { forClientId: 'demo-recipient-2' });
    const { location } = await decideShare(conn, link, 'deny');
    const { payload } = await verifyConsent(location.searchParams.get('token')!);
    assert.equal(payload['sharingAllowed'], false);
    const minted = await api(
      provider,
      '/api/share-token',
      { forClientId: 'demo-recipient-2', ttlInSecs: 60 },
      bearer(conn.accessToken),
    );
    assert.equal(minted.json.sharingAllowed, false);
  });

  it('the decision is idempotent per link: a repeat gets the same redirect, even with another decision', async () => {
    const link = await createShareLink(provider, alice.accessToken);
    const first = await decideShare(alice, link, 'allow');
    const path = new URL(link).pathname;
    const again = await alice.browser.request(path, { form: { csrf: first.csrf, decision: 'deny' } });
    assert.equal(again.status, 303);
    assert.equal(again.headers.get('location'), first.location.href);
  });

  it('a used link shows a clear page (410), with the screen headers', async () => {
    const link = await createShareLink(provider, alice.accessToken);
    await decideShare(alice, link, 'allow');
    const res = await alice.browser.request(new URL(link).pathname);
    assert.equal(res.status, 410);
    assertScreenHeaders(res);
    assert.match(await res.text(), /This sharing link has already been used\./);
  });

  it('an expired link shows a clear page (410) and cannot be decided', async () => {
    const link = await createShareLink(provider, alice.accessToken);
    const screen = await alice.browser.follow(link);
    const csrf = csrfFrom(screen.html);
    mock.timers.enable({ apis: ['Date'], now: Date.now() });
    mock.timers.tick(301_000);
    const res = await alice.browser.request(new URL(link).pathname);
    assert.equal(res.status, 410);
    assert.match(await res.text(), /This sharing link has expired\./);
    const post = await alice.browser.request(new URL(link).pathname, { form: { csrf, decision: 'allow' } });
    assert.equal(post.status, 410);
    assert.equal(post.headers.get('location'), null);
  });

  it('an unknown link is a 404 page', async () => {
    for (const path of ['/share/' + 'A'.repeat(43), '/share/short']) {
      const res = await alice.browser.request(path);
      assert.equal(res.status, 404);
      assertScreenHeaders(res);
      assert.match(await res.text(), /This sharing link is not valid\./);
    }
  });

  it('refuses a decision without the CSRF token, or from another session', async () => {
    const link = await createShareLink(provider, alice.accessToken);
    const screen = await alice.browser.follow(link);
    const path = new URL(link).pathname;
    const forged = await alice.browser.request(path, { form: { csrf: 'nope', decision: 'allow' } });
    assert.equal(forged.status, 403);
    const missing = await alice.browser.request(path, { form: { decision: 'allow' } });
    assert.equal(missing.status, 403);
    // a token copied into another (signed-out) browser is worth nothing
    const other = new Browser(provider.issuer);
    const stolen = await other.request(path, { form: { csrf: csrfFrom(screen.html), decision: 'allow' } });
    assert.equal(stolen.status, 403);
    const bad = await alice.browser.request(path, { form: { csrf: csrfFrom(screen.html), decision: 'maybe' } });
    assert.equal(bad.status, 400);
    // none of these used the link
    const still = await alice.browser.follow(link);
    assert.equal(still.res.status, 200);
  });

  it('signs a signed-out browser in first, then returns to the link', async () => {
    const link = await createShareLink(provider, alice.accessToken);
    const browser = new Browser(provider.issuer);
    const first = await browser.request(new URL(link).pathname);
    assert.equal(first.status, 303);
    assert.equal(first.headers.get('location'), `${new URL(link).pathname}/login`);
    const login = await browser.follow(link);
    assertScreenHeaders(login.res);
    assert.match(login.html, /to review a request to share your verification/);
    const uid = /\/interaction\/([\w-]+)/.exec(login.url)![1];
    const screen = await browser.follow(`/interaction/${uid}/login`, {
      form: { email: ALICE.email, password: ALICE.password, csrf: csrfFrom(login.html) },
    });
    assert.equal(screen.url, link);
    assert.match(screen.html, /<idc-consent-screen kind="share">/);
  });

  it('another signed-in account sees "different account" and can switch', async () => {
    const link = await createShareLink(provider, alice.accessToken);
    const bob = await connect(provider, { account: BOB });
    const res = await bob.browser.request(new URL(link).pathname);
    assert.equal(res.status, 403);
    assertScreenHeaders(res);
    const html = await res.text();
    assert.match(html, /different account/);
    assert.match(html, /href="\/share\/[\w-]+\/login\?switch=1">Sign in with another account</);
    // switching: a login form, then alice's consent screen
    const login = await bob.browser.follow(`${new URL(link).pathname}/login?switch=1`);
    assert.match(login.html, /name="password"/);
    const uid = /\/interaction\/([\w-]+)/.exec(login.url)![1];
    const screen = await bob.browser.follow(`/interaction/${uid}/login`, {
      form: { email: ALICE.email, password: ALICE.password, csrf: csrfFrom(login.html) },
    });
    assert.equal(screen.url, link);
    assert.equal(screenData(screen.html).screen['account'].email, ALICE.email);
  });

  it('a forged or replayed sign-in return is refused', async () => {
    const res = await fetch(new URL(`/share-resume?state=forged&iss=${encodeURIComponent(provider.issuer)}`, provider.issuer), {
      redirect: 'manual',
    });
    assert.equal(res.status, 400);
    assertScreenHeaders(res);
  });
});
