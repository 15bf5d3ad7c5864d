/**
 * The user's account end to end against the real provider (oidc-provider, real SMTP to the built-in mail catcher):
 * sign-up and e-mail confirmation, e-mail-code sign-in, codes' limits, login throttling, the verification gate and
 * its review, the account page with Disconnect and Withdraw and their effects on the integrator's calls.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { RunningProvider } from '../../../demo/provider/index.js';
import {
  allowAndExchange,
  codeFromMail,
  documentPhoto,
  faceFixture,
  passSelfie,
  signUp,
  startAuthorization,
  submitDocument,
  VALID_DOCUMENT,
  waitForReview,
} from './account-helpers.js';
import {
  ALICE,
  api,
  assertApiError,
  assertScreenHeaders,
  basic,
  bearer,
  Browser,
  connect,
  consentTo,
  createShareLink,
  csrfFrom,
  decideShare,
  decodeEntities,
  mintShareToken,
  RECIPIENT,
  start,
} from './helpers.js';

let provider: RunningProvider;
let n = 0;
const newEmail = () => `new-user-${process.pid}-${++n}@example.org`;

before(async () => {
  provider = await start({ dev: true, reviewDelayMs: 150 });
});
// every test here comes from 127.0.0.1: each starts with the address's attempts (sign-ins, sign-ups, codes) at zero
beforeEach(() => provider.kit.store.delete('throttle', 'address:127.0.0.1'));
after(() => provider.close());

describe('sign-up and e-mail confirmation', () => {
  it('takes a brand-new user from the login page to a verified connection, the code read from the SMTP catcher', async () => {
    const auth = await startAuthorization(provider);
    assert.match(auth.html, /Create an account/);
    assert.match(auth.html, /Email me a code/);
    const email = newEmail();
    const afterConfirm = await signUp(provider, auth, email);
    // signed in, not verified, the request asks for share: the gate sends the user to verify first
    assert.match(afterConfirm.url, /\/verify\?return=/, `went to ${afterConfirm.url}`);
    assert.match(afterConfirm.html, /Verify your identity/);
    assertScreenHeaders(afterConfirm.res);
    const account = await provider.kit.accounts.findByEmail(email);
    assert.ok(account && !account.verified, 'an unverified account exists');

    const submitted = await submitDocument(auth.browser, afterConfirm.url, VALID_DOCUMENT, faceFixture('doc-a.jpg'));
    assert.equal(submitted.status, 303);
    // the ownership check: a selfie of the document's holder, judged by the provider (liveness.test.ts in depth)
    const selfie = await passSelfie(auth.browser, submitted.headers.get('location')!);
    assert.equal(selfie.status, 303);
    const review = await auth.browser.follow(selfie.headers.get('location')!);
    assert.match(review.html, /Review in progress/);
    assert.equal(await waitForReview(auth.browser), 'approved');
    const consent = await auth.browser.follow(new URL(review.url).pathname + new URL(review.url).search);
    const tokens = await allowAndExchange(auth, consent);
    assert.match(tokens.scope ?? '', /share/);
    const minted = await mintShareToken(provider, tokens.access_token);
    assert.equal(minted.sharingAllowed, false, 'connected; no per-recipient consent yet');
    assert.ok((await provider.kit.accounts.findByEmail(email))?.verified);
  });

  it('refuses a short password and a bad address on the form, keeping what was typed', async () => {
    const auth = await startAuthorization(provider);
    const form = await auth.browser.follow(`/interaction/${auth.uid}/signup`);
    const short = await auth.browser.follow(`/interaction/${auth.uid}/signup`, {
      form: { csrf: csrfFrom(form.html), email: 'short@example.org', password: 'nine-char' },
    });
    assert.equal(short.res.status, 400);
    assert.match(short.html, /at least 10 characters/);
    assert.match(short.html, /value="short@example.org"/);
    const bad = await auth.browser.follow(`/interaction/${auth.uid}/signup`, {
      form: { csrf: csrfFrom(form.html), email: 'not-an-address', password: 'long enough password' },
    });
    assert.equal(bad.res.status, 400);
    assert.match(bad.html, /valid email address/);
    const forged = await auth.browser.follow(`/interaction/${auth.uid}/signup`, {
      form: { csrf: 'forged', email: 'x@example.org', password: 'long enough password' },
    });
    assert.equal(forged.res.status, 403);
    assert.equal(await provider.kit.accounts.findByEmail('short@example.org'), undefined, 'nothing was created');
  });

  it('answers a sign-up for a taken address exactly like a new one; the owner gets a notice, no code', async () => {
    const fresh = await startAuthorization(provider);
    const taken = await startAuthorization(provider);
    const sent = Date.now();
    const pages = [];
    for (const [auth, email] of [
      [fresh, newEmail()],
      [taken, ALICE.email],
    ] as const) {
      const form = await auth.browser.follow(`/interaction/${auth.uid}/signup`);
      const posted = await auth.browser.request(`/interaction/${auth.uid}/signup`, {
        form: { csrf: csrfFrom(form.html), email, password: 'another long password' },
      });
      const page = await auth.browser.follow(`/interaction/${auth.uid}/confirm`);
      pages.push({ status: posted.status, location: posted.headers.get('location')?.replace(auth.uid, 'UID'), html: page.html.replace(/(value|nonce)="[^"]+"/g, '').replaceAll(auth.uid, 'UID').replace(email, 'EMAIL') });
    }
    assert.deepEqual(pages[0], pages[1], 'same status, redirect and page');
    const notice = await provider.mailCatcher!.waitFor(ALICE.email, { timeoutMs: 5000, after: sent });
    assert.match(notice.subject, /About your ID account/);
    assert.doesNotMatch(notice.text, /\b\d{6}\b/, 'no code for a taken address');
    const html = (await taken.browser.follow(`/interaction/${taken.uid}/confirm`)).html;
    const wrong = await taken.browser.follow(`/interaction/${taken.uid}/confirm`, { form: { csrf: csrfFrom(html), code: '000000' } });
    assert.equal(wrong.res.status, 400, 'no code works for it');
  });

  it('signs an existing account in with an emailed code; an unknown address gets the same page and no mail', async () => {
    const auth = await startAuthorization(provider);
    const sent = Date.now();
    const asked = await auth.browser.follow(`/interaction/${auth.uid}/email-code`, {
      form: { csrf: csrfFrom(auth.html), email: 'bob@example.com', password: '' },
    });
    assert.match(asked.url, /\/confirm$/);
    const code = await codeFromMail(provider, 'bob@example.com', sent);
    const consent = await auth.browser.follow(`/interaction/${auth.uid}/confirm`, { form: { csrf: csrfFrom(asked.html), code } });
    assert.match(consent.html, /<idc-consent-screen kind="connect">/, 'bob is verified: straight to the consent');

    const other = await startAuthorization(provider);
    const unknown = 'nobody-here@example.org';
    const page = await other.browser.follow(`/interaction/${other.uid}/email-code`, {
      form: { csrf: csrfFrom(other.html), email: unknown, password: '' },
    });
    assert.equal(page.res.status, 200);
    assert.match(page.html, /We sent a 6-digit code to nobody-here@example.org/);
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(provider.mailCatcher!.messages(unknown), [], 'no mail to an address without an account');
  });

  it('ends a code after 5 wrong tries, and rate-limits new codes', async () => {
    const auth = await startAuthorization(provider);
    const email = newEmail();
    const form = await auth.browser.follow(`/interaction/${auth.uid}/signup`);
    const sent = Date.now();
    await auth.browser.request(`/interaction/${auth.uid}/signup`, { form: { csrf: csrfFrom(form.html), email, password: 'a long enough password' } });
    const code = await codeFromMail(provider, email, sent);
    const wrongCode = code === '123456' ? '654321' : '123456';
    let page = await auth.browser.follow(`/interaction/${auth.uid}/confirm`);
    for (let i = 1; i <= 4; i++) {
      page = await auth.browser.follow(`/interaction/${auth.uid}/confirm`, { form: { csrf: csrfFrom(page.html), code: wrongCode } });
      assert.equal(page.res.status, 400);
      assert.match(page.html, /not correct/);
    }
    page = await auth.browser.follow(`/interaction/${auth.uid}/confirm`, { form: { csrf: csrfFrom(page.html), code: wrongCode } });
    assert.match(page.html, /Too many wrong codes/);
    assert.match(page.html, /name="password"/, 'back on the login page');
    const late = await auth.browser.follow(`/interaction/${auth.uid}/confirm`, {
      form: { csrf: provider.kit.csrf.token('confirm', auth.uid), code },
    });
    assert.match(late.html, /name="password"/, 'the right code no longer works after 5 wrong ones');
    assert.doesNotMatch(late.html, /idc-consent-screen|Verify your identity/);
    assert.equal(await provider.kit.accounts.findByEmail(email), undefined);

    // a new code right away is refused with the wait, and says nothing about the address
    const again = await startAuthorization(provider);
    const signup = await again.browser.follow(`/interaction/${again.uid}/signup`);
    const limited = await again.browser.follow(`/interaction/${again.uid}/signup`, {
      form: { csrf: csrfFrom(signup.html), email, password: 'a long enough password' },
    });
    assert.equal(limited.res.status, 429);
    assert.match(limited.html, /another code in \d+ seconds/);
  });
});

describe('login throttling', () => {
  it('answers 429 with a retry time after 5 failures for one account, before any password hash is spent', async () => {
    const email = 'throttle-me@example.org';
    const auth = await startAuthorization(provider);
    const authenticate = provider.kit.accounts.authenticate.bind(provider.kit.accounts);
    let hashes = 0;
    provider.kit.accounts.authenticate = (e, p) => {
      hashes++;
      return authenticate(e, p);
    };
    try {
      let html = auth.html;
      for (let i = 0; i < 5; i++) {
        const step = await auth.browser.follow(`/interaction/${auth.uid}/login`, { form: { csrf: csrfFrom(html), email, password: `wrong-${i}` } });
        assert.equal(step.res.status, 401);
        html = step.html;
      }
      assert.equal(hashes, 5);
      const blocked = await auth.browser.follow(`/interaction/${auth.uid}/login`, { form: { csrf: csrfFrom(html), email, password: 'anything' } });
      assert.equal(blocked.res.status, 429);
      assert.match(blocked.html, /Try again in 15 minutes/);
      assert.ok(Number(blocked.res.headers.get('retry-after')) > 800);
      assert.equal(hashes, 5, 'the throttled attempt spent no hash');
    } finally {
      provider.kit.accounts.authenticate = authenticate;
    }
  });

  it('limits one address to 20 failures across accounts, and a success clears only the account count', async () => {
    const auth = await startAuthorization(provider);
    let html = auth.html;
    for (let i = 0; i < 20; i++) {
      const step = await auth.browser.follow(`/interaction/${auth.uid}/login`, {
        form: { csrf: csrfFrom(html), email: `spray-${i}@example.org`, password: 'guess' },
      });
      html = step.html;
    }
    const blocked = await auth.browser.follow(`/interaction/${auth.uid}/login`, { form: { csrf: csrfFrom(html), ...ALICE } });
    assert.equal(blocked.res.status, 429, 'even the right password waits');
    assert.equal((await provider.kit.throttle.reserve('fresh@example.org', '127.0.0.1')).ok, false);
  });
});

describe('verification gate and review', () => {
  // these tests are about the gate and the document rules: their provider skips the selfie step (test-only
  // option; the selfie itself is tested in liveness.test.ts and in the journey above)
  let main: RunningProvider;
  before(async () => {
    main = provider;
    provider = await start({ dev: true, reviewDelayMs: 150, liveness: { verification: false } });
  });
  after(async () => {
    await provider.close();
    provider = main;
  });
  it('never lets an unverified account grant share, even by posting the consent form directly', async () => {
    const auth = await startAuthorization(provider);
    const email = newEmail();
    const gate = await signUp(provider, auth, email);
    assert.match(gate.url, /\/verify\?/);
    const account = (await provider.kit.accounts.findByEmail(email))!;
    const csrf = provider.kit.csrf.token('consent', auth.uid, account.id);
    const posted = await auth.browser.follow(`/interaction/${auth.uid}/consent`, { form: { csrf, decision: 'allow' } });
    assert.ok(!posted.external, 'no code was issued');
    assert.notEqual(posted.res.status, 200);
  });

  it('lets a request without share through without verification', async () => {
    const auth = await startAuthorization(provider, { scope: 'openid email' });
    const step = await signUp(provider, auth, newEmail());
    assert.match(step.html, /<idc-consent-screen kind="connect">/);
  });

  it('refuses a non-image upload and bad fields on the form, and stores nothing', async () => {
    const auth = await startAuthorization(provider);
    const email = newEmail();
    const gate = await signUp(provider, auth, email);
    const html = Buffer.from('<html><script>alert(1)</script></html>');
    const res = await submitDocument(auth.browser, gate.url, { ...VALID_DOCUMENT, country: 'XX', issuedAt: '2022-13-01' }, html);
    assert.equal(res.status, 400);
    const page = await res.text();
    assert.match(page, /Upload a JPEG or PNG photo/);
    assert.match(page, /two-letter country code/);
    assert.match(page, /YYYY-MM-DD/);
    assert.match(page, /value="XN1234567"/, 'what was typed stays');
    const account = (await provider.kit.accounts.findByEmail(email))!;
    assert.deepEqual(await provider.kit.accounts.documents(account.id), []);
    assert.equal(await provider.kit.verification.current(account.id), undefined);
  });

  it('rejects an expired document by the rules, explains why, and offers Try again', async () => {
    const auth = await startAuthorization(provider);
    const gate = await signUp(provider, auth, newEmail());
    const res = await submitDocument(auth.browser, gate.url, { ...VALID_DOCUMENT, issuedAt: '2010-01-01', expiresAt: '2020-01-01' });
    assert.equal(res.status, 303);
    assert.equal(await waitForReview(auth.browser), 'rejected');
    const page = await auth.browser.follow(res.headers.get('location')!);
    assert.match(page.html, /The document has expired/);
    assert.match(page.html, /Try again/);
    const tryAgain = decodeEntities(/href="([^"]+)">Try again/.exec(page.html)![1]!);
    const again = await submitDocument(auth.browser, tryAgain);
    assert.equal(again.status, 303);
    assert.equal(await waitForReview(auth.browser), 'approved');
  });

  it('rejects a blank photo as unreadable', async () => {
    const auth = await startAuthorization(provider);
    const gate = await signUp(provider, auth, newEmail());
    await submitDocument(auth.browser, gate.url, VALID_DOCUMENT, documentPhoto({ flat: true }));
    assert.equal(await waitForReview(auth.browser), 'rejected');
    const page = await auth.browser.follow('/verify/review');
    assert.match(page.html, /photo cannot be read/);
  });

  it('lets a tester decide a review with POST /dev/reviews (only in the demo configuration)', async () => {
    const auth = await startAuthorization(provider);
    const email = newEmail();
    const gate = await signUp(provider, auth, email);
    await submitDocument(auth.browser, gate.url, VALID_DOCUMENT, documentPhoto({ flat: true }));
    assert.equal(await waitForReview(auth.browser), 'rejected');
    const decided = await fetch(new URL('/dev/reviews', provider.issuer), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, decision: 'approved' }),
    });
    assert.equal(decided.status, 200);
    assert.equal(((await decided.json()) as { status: string }).status, 'approved');
    assert.ok((await provider.kit.accounts.findByEmail(email))?.verified);
    const bad = await fetch(new URL('/dev/reviews', provider.issuer), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, decision: 'maybe' }),
    });
    assert.equal(bad.status, 400);

    const plain = await start();
    try {
      assert.equal((await fetch(new URL('/dev/reviews', plain.issuer), { method: 'POST' })).status, 404);
      assert.equal((await fetch(new URL('/dev/mail', plain.issuer))).status, 404);
    } finally {
      await plain.close();
    }
  });
});

describe('the account page', () => {
  it('signs in first, then lists connected services, sharing permissions and documents', async () => {
    const conn = await connect(provider, { scope: 'openid email share offline_access', prompt: 'consent' });
    await consentTo(provider, conn);
    const page = await conn.browser.follow('/account');
    assert.equal(page.res.status, 200);
    assertScreenHeaders(page.res);
    assert.match(page.html, /Connected services/);
    assert.match(page.html, /Acme Marketplace/);
    assert.match(page.html, /Keeping this access while you are signed out/);
    assert.match(page.html, /Regulated Bank, asked through Acme Marketplace/);
    assert.match(page.html, /Passport/);
    assert.match(page.html, /Expired/, "alice's 2014 ID card");

    const anonymous = new Browser(provider.issuer);
    const first = await anonymous.follow('/account');
    assert.match(first.html, /name="password"/, 'a visitor signs in first');
  });

  it('Withdraw ends the consent and kills earlier share tokens for good, even after a new consent', async () => {
    const conn = await connect(provider);
    await consentTo(provider, conn);
    const before = await mintShareToken(provider, conn.accessToken);
    assert.equal(before.sharingAllowed, true);
    const page = await conn.browser.follow('/account');
    const withdrawn = await conn.browser.follow('/account/withdraw', {
      form: { csrf: csrfFrom(page.html), integrator: 'demo-integrator', recipient: RECIPIENT.id },
    });
    assert.match(withdrawn.html, /Sharing with Regulated Bank through Acme Marketplace is withdrawn/);
    assert.equal((await mintShareToken(provider, conn.accessToken)).sharingAllowed, false);
    await consentTo(provider, conn);
    const redeemOld = await api(provider, '/api/reuse', { shareToken: before.token, levelName: 'basic-kyc-level' }, basic(RECIPIENT.id, RECIPIENT.secret));
    assertApiError(redeemOld, 400, 'invalid_share_token');
    const fresh = await mintShareToken(provider, conn.accessToken);
    const redeemNew = await api(provider, '/api/reuse', { shareToken: fresh.token, levelName: 'basic-kyc-level' }, basic(RECIPIENT.id, RECIPIENT.secret));
    assert.equal(redeemNew.status, 200, JSON.stringify(redeemNew.json));
  });

  it('a Decline kills share tokens minted before it, even after a later Allow', async () => {
    const conn = await connect(provider);
    const early = await mintShareToken(provider, conn.accessToken, 'demo-recipient-2');
    await decideShare(conn, await createShareLink(provider, conn.accessToken, { forClientId: 'demo-recipient-2' }), 'deny');
    await consentTo(provider, conn, 'demo-recipient-2');
    const redeem = await api(
      provider,
      '/api/reuse',
      { shareToken: early.token, levelName: 'basic-kyc-level' },
      basic('demo-recipient-2', 'demo-recipient-2-secret'),
    );
    assertApiError(redeem, 400, 'invalid_share_token');
  });

  it('Disconnect revokes the grant: the share API answers 401 connection_revoked, refresh and userinfo fail', async () => {
    const conn = await connect(provider, { scope: 'openid email share offline_access', prompt: 'consent' });
    assert.ok(conn.refreshToken, 'offline_access gave a refresh token');
    const page = await conn.browser.follow('/account');
    const done = await conn.browser.follow('/account/disconnect', { form: { csrf: csrfFrom(page.html), client: 'demo-integrator' } });
    assert.match(done.html, /Acme Marketplace is disconnected/);
    assert.doesNotMatch(done.html.split('Connected services')[1]!.split('Sharing permissions')[0]!, /Acme Marketplace/);
    const minted = await api(provider, '/api/share-token', { forClientId: RECIPIENT.id }, bearer(conn.accessToken));
    assertApiError(minted, 401, 'connection_revoked');
    const link = await api(provider, '/api/share-link', { forClientId: RECIPIENT.id, redirectUri: 'http://localhost:5173/share-callback', state: 's' }, bearer(conn.accessToken));
    assertApiError(link, 401, 'connection_revoked');
    const me = await fetch(new URL('/me', provider.issuer), { headers: { authorization: bearer(conn.accessToken) } });
    assert.equal(me.status, 401, 'the access token is refused by userinfo too');
    const refreshed = await fetch(new URL('/token', provider.issuer), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic('demo-integrator', 'demo-integrator-secret') },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: conn.refreshToken }),
    });
    assert.equal(refreshed.status, 400);
    assert.equal(((await refreshed.json()) as { error: string }).error, 'invalid_grant');
  });

  it('Disconnect ends the connection from every browser the user connected from, not just the newest grant', async () => {
    const first = await connect(provider, { scope: 'openid email share offline_access', prompt: 'consent' });
    const second = await connect(provider, { scope: 'openid email share offline_access', prompt: 'consent' });
    assert.notEqual(first.browser, second.browser, 'two browser sessions, two grants');
    const page = await second.browser.follow('/account');
    await second.browser.follow('/account/disconnect', { form: { csrf: csrfFrom(page.html), client: 'demo-integrator' } });
    for (const conn of [first, second]) {
      assertApiError(await api(provider, '/api/share-token', { forClientId: RECIPIENT.id }, bearer(conn.accessToken)), 401, 'connection_revoked');
      const refreshed = await fetch(new URL('/token', provider.issuer), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic('demo-integrator', 'demo-integrator-secret') },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: conn.refreshToken! }),
      });
      assert.equal(refreshed.status, 400, 'every refresh token is revoked');
    }
  });

  it('refuses account forms without the session-bound CSRF token', async () => {
    const conn = await connect(provider);
    const forged = await conn.browser.follow('/account/disconnect', { form: { csrf: 'nope', client: 'demo-integrator' } });
    assert.equal(forged.res.status, 403);
    const minted = await api(provider, '/api/share-token', { forClientId: RECIPIENT.id }, bearer(conn.accessToken));
    assert.equal(minted.status, 200, 'still connected');
  });
});
