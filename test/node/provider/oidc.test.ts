import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as client from 'openid-client';
import type { RunningProvider } from '../../../demo/provider/index.js';
import {
  ALICE,
  BOB,
  Browser,
  CALLBACK,
  INTEGRATOR,
  assertScreenHeaders,
  connect,
  csrfFrom,
  oidcConfig,
  screenData,
  start,
} from './helpers.js';

let provider: RunningProvider;
before(async () => {
  provider = await start({ log: !!process.env.PLOG });
});
after(() => provider.close());

async function authorizationRequest(params: Record<string, string>) {
  const url = new URL('/auth', provider.issuer);
  url.search = new URLSearchParams({
    client_id: INTEGRATOR.id,
    response_type: 'code',
    scope: 'openid share',
    redirect_uri: CALLBACK,
    state: 'state-123',
    ...params,
  }).toString();
  return url;
}

const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

describe('discovery and authorization request policy', () => {
  it('publishes the contract scopes, S256 only, and iss in authorization responses', async () => {
    const res = await fetch(new URL('/.well-known/openid-configuration', provider.issuer));
    assert.equal(res.status, 200);
    const meta = (await res.json()) as Record<string, unknown>;
    assert.equal(meta['issuer'], provider.issuer);
    assert.match(provider.issuer, /^http:\/\/localhost:\d+$/);
    for (const scope of ['openid', 'email', 'share', 'offline_access']) {
      assert.ok((meta['scopes_supported'] as string[]).includes(scope), scope);
    }
    assert.deepEqual(meta['code_challenge_methods_supported'], ['S256']);
    assert.equal(meta['authorization_response_iss_parameter_supported'], true);
    assert.ok((meta['claims_supported'] as string[]).includes('email'), 'email claim');
    assert.equal(meta['jwks_uri'], `${provider.issuer}/jwks`);
  });

  it('publishes an RS256 key and an ES256 P-256 key with distinct kids, public parts only', async () => {
    const { keys } = (await (await fetch(new URL('/jwks', provider.issuer))).json()) as { keys: any[] };
    const rsa = keys.find((k) => k.alg === 'RS256');
    const ec = keys.find((k) => k.alg === 'ES256');
    assert.ok(rsa && ec, 'both keys published');
    assert.equal(ec.crv, 'P-256');
    assert.notEqual(rsa.kid, ec.kid);
    for (const key of keys) assert.equal(key.d, undefined, 'no private key material in /jwks');
  });

  it('refuses an authorization request without code_challenge (PKCE required), with iss', async () => {
    const res = await fetch(await authorizationRequest({}), { redirect: 'manual' });
    assert.equal(res.status, 303);
    const location = new URL(res.headers.get('location')!);
    assert.equal(location.origin + location.pathname, CALLBACK);
    assert.equal(location.searchParams.get('error'), 'invalid_request');
    assert.match(location.searchParams.get('error_description')!, /PKCE/);
    assert.equal(location.searchParams.get('iss'), provider.issuer);
    assert.equal(location.searchParams.get('state'), 'state-123');
  });

  it('refuses code_challenge_method=plain', async () => {
    const res = await fetch(await authorizationRequest({ code_challenge: CHALLENGE, code_challenge_method: 'plain' }), {
      redirect: 'manual',
    });
    const location = new URL(res.headers.get('location')!);
    assert.equal(location.searchParams.get('error'), 'invalid_request');
  });

  it("the provider's own first-party client cannot obtain a code", async () => {
    const res = await fetch(
      await authorizationRequest({
        client_id: 'idc-provider-ui',
        redirect_uri: `${provider.issuer}/share-resume`,
        code_challenge: CHALLENGE,
        code_challenge_method: 'S256',
      }),
      { redirect: 'manual' },
    );
    const location = new URL(res.headers.get('location')!);
    assert.equal(location.origin + location.pathname, `${provider.issuer}/share-resume`);
    assert.ok(['unauthorized_client', 'invalid_request'].includes(location.searchParams.get('error')!), 'refused');
    assert.match(location.searchParams.get('error_description') ?? '', /response_type/);
    assert.equal(location.searchParams.get('code'), null);
  });

  it('refuses an unregistered redirect_uri on its own error page, not by redirect', async () => {
    const res = await fetch(
      await authorizationRequest({
        redirect_uri: 'http://localhost:5173/elsewhere',
        code_challenge: CHALLENGE,
        code_challenge_method: 'S256',
      }),
      { redirect: 'manual' },
    );
    assert.equal(res.status, 400);
    assertScreenHeaders(res);
    const html = await res.text();
    assert.match(html, /redirect_uri/);
    assert.doesNotMatch(html, /<script(?! nonce)/);
  });
});

describe('login and authorization screens', () => {
  it('renders the login form with email, password and a Sign in button under a strict CSP', async () => {
    const browser = new Browser(provider.issuer);
    const step = await browser.follow(
      (await authorizationRequest({ code_challenge: CHALLENGE, code_challenge_method: 'S256' })).href,
    );
    assert.equal(step.res.status, 200);
    assertScreenHeaders(step.res);
    assert.match(step.html, /<input id="email" name="email" type="email"/);
    assert.match(step.html, /<input id="password" name="password" type="password"/);
    assert.match(step.html, /<button type="submit">Sign in<\/button>/);
    assert.match(step.html, /<label for="email">Email<\/label>/);
    assert.match(step.html, /Acme Marketplace/);
    assert.match(step.res.headers.get('content-security-policy')!, /form-action 'self' http:\/\/localhost:5173/);
    assert.equal(step.res.headers.get('cross-origin-opener-policy'), null);
  });

  it('shows a wrong password as text on the form, keeps the email, and marks the fields invalid', async () => {
    const browser = new Browser(provider.issuer);
    const first = await browser.follow(
      (await authorizationRequest({ code_challenge: CHALLENGE, code_challenge_method: 'S256' })).href,
    );
    const uid = /\/interaction\/([\w-]+)/.exec(first.url)![1];
    const res = await browser.request(`/interaction/${uid}/login`, {
      form: { email: ALICE.email, password: 'wrong', csrf: csrfFrom(first.html) },
    });
    assert.equal(res.status, 401);
    assertScreenHeaders(res);
    const html = await res.text();
    assert.match(html, /role="alert" id="login-error">The email or password is not correct\.</);
    assert.match(html, /value="alice@example\.com" aria-invalid="true"/);

    const unknown = await browser.request(`/interaction/${uid}/login`, {
      form: { email: 'nobody@example.com', password: 'x', csrf: csrfFrom(first.html) },
    });
    assert.equal(unknown.status, 401);
    assert.match(await unknown.text(), /The email or password is not correct\./);

    const empty = await browser.request(`/interaction/${uid}/login`, {
      form: { email: '', password: '', csrf: csrfFrom(first.html) },
    });
    assert.equal(empty.status, 400);
    assert.match(await empty.text(), /Enter your email and your password\./);
  });

  it('refuses a login POST without the right CSRF token', async () => {
    const browser = new Browser(provider.issuer);
    const first = await browser.follow(
      (await authorizationRequest({ code_challenge: CHALLENGE, code_challenge_method: 'S256' })).href,
    );
    const uid = /\/interaction\/([\w-]+)/.exec(first.url)![1];
    const res = await browser.request(`/interaction/${uid}/login`, {
      form: { email: ALICE.email, password: ALICE.password, csrf: 'forged' },
    });
    assert.equal(res.status, 403);
    assert.match(await res.text(), /This form has expired/);
  });

  it('localizes the login page from ui_locales and sets dir=rtl for Arabic', async () => {
    const browser = new Browser(provider.issuer);
    const de = await browser.follow(
      (await authorizationRequest({ code_challenge: CHALLENGE, code_challenge_method: 'S256', ui_locales: 'de-CH en' })).href,
    );
    assert.match(de.html, /<html lang="de" dir="ltr">/);
    assert.match(de.html, /<button type="submit">Anmelden<\/button>/);
    const ar = await new Browser(provider.issuer).follow(
      (await authorizationRequest({ code_challenge: CHALLENGE, code_challenge_method: 'S256', ui_locales: 'ar' })).href,
    );
    assert.match(ar.html, /<html lang="ar" dir="rtl">/);
  });

  it('renders the authorization screen with the element, JSON data, CSRF form and the bundle script', async () => {
    const browser = new Browser(provider.issuer);
    const first = await browser.follow(
      (await authorizationRequest({ code_challenge: CHALLENGE, code_challenge_method: 'S256', scope: 'openid email share' }))
        .href,
    );
    const uid = /\/interaction\/([\w-]+)/.exec(first.url)![1];
    const consent = await browser.follow(`/interaction/${uid}/login`, {
      form: { email: ALICE.email, password: ALICE.password, csrf: csrfFrom(first.html) },
    });
    assert.equal(consent.res.status, 200);
    assertScreenHeaders(consent.res);
    const nonce = /'nonce-([^']+)'/.exec(consent.res.headers.get('content-security-policy')!)![1];
    assert.match(consent.html, /<idc-consent-screen kind="connect"><\/idc-consent-screen>/);
    assert.ok(consent.html.includes(`<script nonce="${nonce}" src="/assets/provider-ui.js"></script>`), 'bundle script');
    // every script is either the JSON data block or carries this response's nonce
    for (const tag of consent.html.match(/<script[^>]*>/g)!) {
      assert.ok(tag.includes(`nonce="${nonce}"`) || tag.includes('type="application/json"'), tag);
    }
    const data = screenData(consent.html);
    assert.equal(data.screen['integrator'].name, 'Acme Marketplace');
    assert.deepEqual(data.screen['account'], { email: ALICE.email });
    assert.deepEqual(
      data.screen['dataItems'].map((i: { id: string }) => i.id),
      ['email', 'share'],
    );
    const consentUid = /\/interaction\/([\w-]+)/.exec(consent.url)![1];
    assert.equal(data.switchUrl, `/interaction/${consentUid}/login`);

    // a forged decision is refused and changes nothing
    const forged = await browser.request(`/interaction/${consentUid}/consent`, { form: { csrf: 'x', decision: 'allow' } });
    assert.equal(forged.status, 403);
    assertScreenHeaders(forged);

    // "Not you?" goes back to the login form of the same interaction
    const again = await browser.follow(data.switchUrl);
    assert.match(again.html, /name="password"/);
  });

  it('a denied authorization returns access_denied with iss to the client', async () => {
    const browser = new Browser(provider.issuer);
    const first = await browser.follow(
      (await authorizationRequest({ code_challenge: CHALLENGE, code_challenge_method: 'S256' })).href,
    );
    const uid = /\/interaction\/([\w-]+)/.exec(first.url)![1];
    const consent = await browser.follow(`/interaction/${uid}/login`, {
      form: { email: ALICE.email, password: ALICE.password, csrf: csrfFrom(first.html) },
    });
    const consentUid = /\/interaction\/([\w-]+)/.exec(consent.url)![1];
    const done = await browser.follow(`/interaction/${consentUid}/consent`, {
      form: { csrf: csrfFrom(consent.html), decision: 'deny' },
    });
    assert.ok(done.external, 'redirected to the client');
    assert.equal(done.external.searchParams.get('error'), 'access_denied');
    assert.equal(done.external.searchParams.get('iss'), provider.issuer);
  });

  it('an expired or unknown interaction shows a clear page, not a stack trace', async () => {
    const res = await fetch(new URL('/interaction/doesnotexist', provider.issuer));
    assert.equal(res.status, 400);
    assertScreenHeaders(res);
    const html = await res.text();
    assert.match(html, /This sign-in request has expired/);
    assert.doesNotMatch(html, /at \w+ \(|node_modules/);
  });
});

describe('code flow end to end', () => {
  it('logs in, consents, exchanges the code with openid-client; ID token carries email', async () => {
    const result = await connect(provider, { scope: 'openid email share' });
    assert.equal(result.idTokenClaims?.['email'], ALICE.email);
    assert.equal(result.idTokenClaims?.['iss'], provider.issuer);
    assert.equal(result.idTokenClaims?.['aud'], INTEGRATOR.id);
    assert.deepEqual(new Set(result.scope!.split(' ')), new Set(['openid', 'email', 'share']));
    assert.equal(result.refreshToken, undefined, 'no offline_access asked, no refresh token');

    const config = await oidcConfig(provider.issuer);
    const userinfo = await client.fetchUserInfo(config, result.accessToken, result.idTokenClaims!['sub'] as string);
    assert.equal(userinfo.email, ALICE.email);
  });

  it('never grants a scope it does not know', async () => {
    const result = await connect(provider, { scope: 'openid share admin' });
    assert.deepEqual(result.scope!.split(' ').sort(), ['openid', 'share']);
  });

  it('an existing session skips the login form; a granted client skips the authorization screen', async () => {
    const first = await connect(provider);
    const again = await connect(provider, { browser: first.browser });
    assert.equal(again.idTokenClaims?.['sub'], first.idTokenClaims?.['sub']);
  });

  it('offline_access with prompt=consent issues a refresh token', async () => {
    const result = await connect(provider, { scope: 'openid share offline_access', prompt: 'consent' });
    assert.ok(result.refreshToken, 'refresh token issued');
    assert.ok(result.scope!.split(' ').includes('offline_access'), 'offline_access granted');
  });

  it('"Not you?" on the authorization screen signs in another account', async () => {
    const alice = await connect(provider);
    // alice's browser, a new client request that needs consent for another scope
    const config = await oidcConfig(provider.issuer);
    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: CALLBACK,
      scope: 'openid email share offline_access',
      prompt: 'consent',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: 's1',
    });
    const consent = await alice.browser.follow(url.href);
    assert.match(consent.html, /kind="connect"/);
    const data = screenData(consent.html);
    assert.equal(data.screen['account'].email, ALICE.email);
    const login = await alice.browser.follow(data.switchUrl);
    assert.equal(new URL(login.url).pathname, data.switchUrl);
    const next = await alice.browser.follow(data.switchUrl, {
      form: { email: BOB.email, password: BOB.password, csrf: csrfFrom(login.html) },
    });
    // oidc-provider ends alice's session, then asks bob for consent
    assert.match(next.html, /kind="connect"/);
    assert.equal(screenData(next.html).screen['account'].email, BOB.email);
  });

  it('a code is exchanged once only', async () => {
    const config = await oidcConfig(provider.issuer);
    const browser = new Browser(provider.issuer);
    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: CALLBACK,
      scope: 'openid share',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: 's2',
    });
    const login = await browser.follow(url.href);
    const uid = /\/interaction\/([\w-]+)/.exec(login.url)![1];
    const consent = await browser.follow(`/interaction/${uid}/login`, {
      form: { email: ALICE.email, password: ALICE.password, csrf: csrfFrom(login.html) },
    });
    const consentUid = /\/interaction\/([\w-]+)/.exec(consent.url)![1];
    const done = await browser.follow(`/interaction/${consentUid}/consent`, {
      form: { csrf: csrfFrom(consent.html), decision: 'allow' },
    });
    await client.authorizationCodeGrant(config, done.external!, { pkceCodeVerifier: verifier, expectedState: 's2' });
    await assert.rejects(
      client.authorizationCodeGrant(config, done.external!, { pkceCodeVerifier: verifier, expectedState: 's2' }),
      (err: Error & { error?: string }) => err.error === 'invalid_grant',
    );
  });
});
