/**
 * The ownership check over HTTP against the real provider and the real face models (docs/security.md §42): the
 * verification journey's selfie step (document → selfie → Submit for review → review with `liveness` and
 * `face_match`), the capture protocol's answers, sessions (single use, expiry, binding to the account, attempts),
 * upload limits and bad input (coded, nothing stored), and the reuse step of a level that takes a `selfie`.
 * Frames are posted as `<idc-liveness-check>` posts them; the test faces are test/fixtures/faces.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { RunningProvider } from '../../../demo/provider/index.js';
import { SELFIE_KYC_LEVEL } from '../../../demo/provider/clients.js';
import type { Review } from '../../../demo/provider/verification.js';
import {
  allowAndExchange,
  captureBody,
  captureFrames,
  faceFixture,
  passSelfie,
  selfieSession,
  signUp,
  startAuthorization,
  submitDocument,
  VALID_DOCUMENT,
  waitForReview,
  type Authorization,
} from './account-helpers.js';
import { api, basic, Browser, consentTo, csrfFrom, decodeEntities, mintShareToken, start, type ConnectResult } from './helpers.js';

const SELFIE_RECIPIENT = { id: 'selfie-recipient', secret: 'selfie-recipient-secret' };

let provider: RunningProvider;
let n = 0;
const newEmail = () => `liveness-${process.pid}-${++n}@example.org`;

before(async () => {
  provider = await start({
    dev: true,
    reviewDelayMs: 100,
    extraClients: [
      {
        client_id: SELFIE_RECIPIENT.id,
        client_secret: SELFIE_RECIPIENT.secret,
        client_name: 'Selfie Bank',
        client_uri: 'http://localhost:5174',
        redirect_uris: [],
        grant_types: [],
        response_types: [],
        token_endpoint_auth_method: 'client_secret_basic',
        idc_role: 'recipient',
        idc_allowed_donors: ['demo-integrator'],
        idc_levels: { 'selfie-kyc-level': SELFIE_KYC_LEVEL },
      },
    ],
  });
});
beforeEach(() => provider.kit.store.delete('throttle', 'address:127.0.0.1'));
after(() => provider.close());

/** A new account, signed up, its document (person A's) submitted: resolves on the selfie page. */
async function atSelfie(photo = faceFixture('doc-a.jpg')): Promise<{ auth: Authorization; url: string; html: string; res: Response; accountId: string; email: string }> {
  const auth = await startAuthorization(provider);
  const email = newEmail();
  const gate = await signUp(provider, auth, email);
  assert.match(gate.url, /\/verify\?return=/);
  const submitted = await submitDocument(auth.browser, gate.url, VALID_DOCUMENT, photo);
  assert.equal(submitted.status, 303);
  assert.match(submitted.headers.get('location')!, /^\/verify\/selfie\?return=/, 'the document leads to the selfie step');
  const page = await auth.browser.follow(submitted.headers.get('location')!);
  const accountId = (await provider.kit.accounts.findByEmail(email))!.id;
  return { auth, url: page.url, html: page.html, res: page.res, accountId, email };
}

const upload = async (browser: Browser, uploadUrl: string, body: FormData | string, headers: Record<string, string> = {}) => {
  const res = await browser.request(uploadUrl, typeof body === 'string' ? { method: 'POST', headers: { 'content-type': 'text/plain', ...headers } } : { multipart: body, headers });
  return { status: res.status, json: (await res.json()) as Record<string, any> };
};

describe('the selfie step of a new account\u2019s verification', () => {
  it('runs document → selfie → Submit for review, and the review carries liveness and face_match with the scores', async () => {
    const { auth, url, html, res, accountId } = await atSelfie();
    // the page: the element with the protocol's attributes, its module script, a disarmed Submit for review
    assert.equal(res.status, 200);
    const { session, challenge, uploadUrl } = selfieSession(html);
    assert.match(session, /^[\w-]{22}$/, '128-bit session id');
    assert.equal(challenge.length, 2);
    assert.deepEqual([...challenge].sort(), ['turn-left', 'turn-right']);
    assert.equal(uploadUrl, `/liveness/${session}/capture`);
    assert.match(html, /model-base="\/assets\/liveness\/"/);
    assert.match(html, /<script type="module" nonce="[^"]+" src="\/assets\/idconnect-kit-liveness\.js"><\/script>/);
    assert.match(html, /idc-liveness-complete/);
    assert.match(html, /<div id="selfie-submit" hidden><form class="login" id="selfie-form" method="post" action="[^"]+">/, 'shown once a capture passed');
    assert.match(html, /<button type="submit" disabled>Submit for review<\/button>/);
    const csp = res.headers.get('content-security-policy')!;
    assert.match(csp, /script-src 'nonce-[^']+' 'strict-dynamic' 'wasm-unsafe-eval'/);
    assert.doesNotMatch(csp, /'unsafe-inline'|'unsafe-eval'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(res.headers.get('permissions-policy'), 'camera=(self), microphone=()');

    // Submit for review without a passed capture goes nowhere
    const early = await auth.browser.request(decodeEntities(/id="selfie-form" method="post" action="([^"]+)"/.exec(html)![1]!), {
      form: { csrf: csrfFrom(html), session },
    });
    assert.equal(early.status, 400);
    assert.equal(await provider.kit.verification.current(accountId), undefined, 'no review opened');

    const submitted = await passSelfie(auth.browser, url);
    assert.equal(submitted.status, 303);
    assert.match(submitted.headers.get('location')!, /^\/verify\/review\?return=/);
    assert.equal(await waitForReview(auth.browser), 'approved');
    const review = await auth.browser.follow(submitted.headers.get('location')!);
    const stored = (await provider.kit.verification.current(accountId)) as Review;
    assert.deepEqual(
      stored.checks.map((c) => [c.type, c.result]),
      [
        ['document_image', 'passed'],
        ['document_validity', 'passed'],
        ['liveness', 'passed'],
        ['face_match', 'passed'],
      ],
    );
    assert.ok(stored.ownership, 'the capture is kept with the review');
    assert.ok((stored.ownership.scores['similarity'] as number) >= stored.ownership.thresholds['match']!);
    assert.equal(typeof stored.ownership.scores['antispoof'], 'number');
    assert.equal(stored.ownership.thresholds['yaw'], 0.15);
    const consent = await auth.browser.follow(new URL(review.url).pathname + new URL(review.url).search);
    await allowAndExchange(auth, consent);
  });

  it('answers face_mismatch for another person, with a new session and challenge to retry; the retry passes', async () => {
    const { auth, html, accountId } = await atSelfie();
    const first = selfieSession(html);
    assert.doesNotMatch(html.replace(/<noscript>[\s\S]*?<\/noscript>/g, ''), /<h1[\s>]/, 'the element’s heading is the page’s one h1');
    const mismatch = await upload(auth.browser, first.uploadUrl, captureBody(captureFrames('b-lrl')));
    assert.equal(mismatch.status, 422);
    assert.equal(mismatch.json.code, 'face_mismatch');
    assert.equal(mismatch.json.reason, 'face_mismatch');
    assert.match(mismatch.json.message, /does not match/);
    const retry = mismatch.json.retry as { session: string; challenge: string[]; uploadUrl: string };
    assert.notEqual(retry.session, first.session);
    assert.equal(retry.uploadUrl, `/liveness/${retry.session}/capture`);
    assert.equal(retry.challenge.length, 2);
    const stored = await provider.kit.liveness.result(first.session);
    assert.equal(stored?.reason, 'face_mismatch');
    assert.ok(stored.scores.similarity! < stored.thresholds.match, 'the decision and its scores are stored');

    // the failed session is spent; the retry session works
    const again = await upload(auth.browser, first.uploadUrl, captureBody(captureFrames('a-lrl')));
    assert.equal(again.status, 410);
    assert.equal(again.json.code, 'session_expired');
    const passed = await upload(auth.browser, retry.uploadUrl, captureBody(captureFrames('a-lrl')));
    assert.deepEqual(passed, { status: 200, json: { status: 'passed', session: retry.session } });
    // and is single-use too
    const replay = await upload(auth.browser, retry.uploadUrl, captureBody(captureFrames('a-lrl')));
    assert.equal(replay.status, 410);
    assert.ok(await provider.kit.liveness.useForReview(accountId, retry.session), 'the passed capture opens one review');
    assert.equal(await provider.kit.liveness.useForReview(accountId, retry.session), undefined, 'and only one');
  });

  it('answers liveness_failed with challenge_not_met for a still face, no_face and multiple_faces', async () => {
    const { auth, html } = await atSelfie();
    let { uploadUrl } = selfieSession(html);
    for (const [sequence, reason] of [
      ['a-static', 'challenge_not_met'],
      ['noface', 'no_face'],
      ['two', 'multiple_faces'],
    ] as const) {
      const answer = await upload(auth.browser, uploadUrl, captureBody(captureFrames(sequence)));
      assert.equal(answer.status, 422, `${sequence}: ${JSON.stringify(answer.json)}`);
      assert.equal(answer.json.code, 'liveness_failed');
      assert.equal(answer.json.reason, reason);
      uploadUrl = answer.json.retry.uploadUrl;
    }
  });
});

describe('capture sessions and uploads', () => {
  it('binds a session to its account: another account (or none) gets 404, and the session stays usable', async () => {
    const owner = await atSelfie();
    const { uploadUrl, session } = selfieSession(owner.html);
    const stranger = await atSelfie();
    const body = () => captureBody(captureFrames('a-lrl'));
    assert.equal((await upload(stranger.auth.browser, uploadUrl, body())).status, 404);
    const anonymous = await upload(new Browser(provider.issuer), uploadUrl, body());
    assert.deepEqual([anonymous.status, anonymous.json.code], [404, 'session_expired']);
    const crossSite = await upload(owner.auth.browser, uploadUrl, body(), { origin: 'https://evil.example' });
    assert.equal(crossSite.status, 404, 'a cross-origin post is refused');
    assert.ok(await provider.kit.liveness.openSession(session, owner.accountId), 'still live for its owner');
    assert.equal((await upload(owner.auth.browser, '/liveness/not-a-session-id/capture', body())).status, 404);
  });

  it('expires a session after its lifetime (410) and limits captures per account and hour (429)', async () => {
    const { auth, accountId } = await atSelfie();
    const draft = (await provider.kit.liveness.draft(accountId))!;
    // created 11 minutes ago (for an earlier draft: the page's open session for this one would be handed out again)
    const old = await provider.kit.liveness.createSession(accountId, 'verify', { draftId: `${draft.id}-earlier` }, Date.now() - 11 * 60_000);
    const expired = await upload(auth.browser, `/liveness/${old.id}/capture`, captureBody(captureFrames('a-lrl')));
    assert.deepEqual([expired.status, expired.json.code], [410, 'session_expired']);

    const fresh = await provider.kit.liveness.createSession(accountId, 'verify', { draftId: draft.id });
    while (await provider.kit.liveness.countAttempt(accountId));
    const limited = await upload(auth.browser, `/liveness/${fresh.id}/capture`, captureBody(captureFrames('a-lrl')));
    assert.deepEqual([limited.status, limited.json.code], [429, 'too_many_attempts']);
    const page = await auth.browser.follow(`/verify/selfie?return=%2Faccount`);
    assert.equal(page.res.status, 429);
    assert.match(page.html, /many times/);
  });

  it('hands the open session out again on a reload; a spent, nearly expired or differently bound one is replaced', async () => {
    const { auth, url, html, accountId } = await atSelfie();
    const first = selfieSession(html);
    const reloads = await Promise.all([auth.browser.follow(url), auth.browser.follow(url)]);
    for (const reload of reloads) {
      assert.equal(reload.res.status, 200);
      assert.deepEqual(selfieSession(reload.html), first, 'the same session, challenge and upload URL');
    }
    const draft = (await provider.kit.liveness.draft(accountId))!;
    const stored = await provider.kit.liveness.openSession(first.session, accountId);
    assert.equal(stored.draftId, draft.id);

    // another binding (purpose or draft) never gets it
    const otherDraft = await provider.kit.liveness.createSession(accountId, 'verify', { draftId: `${draft.id}-other` });
    assert.notEqual(otherDraft.id, first.session);
    const reuse = await provider.kit.liveness.createSession(accountId, 'reuse', { ownershipId: 'AAAAAAAAAAAAAAAAAAAAAA' });
    assert.notEqual(reuse.id, first.session);
    assert.equal((await provider.kit.liveness.createSession(accountId, 'reuse', { ownershipId: 'AAAAAAAAAAAAAAAAAAAAAA' })).id, reuse.id);

    // less than two minutes left: a new one, which the page then shows
    const nearlyExpired = await provider.kit.liveness.createSession(accountId, 'verify', { draftId: draft.id }, stored.expiresAt - 60_000);
    assert.notEqual(nearlyExpired.id, first.session);
    const second = selfieSession((await auth.browser.follow(url)).html);
    assert.equal(second.session, nearlyExpired.id);

    // spent by an upload: the page's next load has a new one (the retry of a failure is also kept as the open one)
    const failed = await upload(auth.browser, second.uploadUrl, captureBody(captureFrames('b-lrl')));
    assert.equal(failed.status, 422, JSON.stringify(failed.json));
    const third = selfieSession((await auth.browser.follow(url)).html);
    assert.ok(![first.session, second.session].includes(third.session));
    assert.equal(third.session, failed.json.retry.session, 'the retry session offered with the failure');
    const spent = await upload(auth.browser, second.uploadUrl, captureBody(captureFrames('a-lrl')));
    assert.deepEqual([spent.status, spent.json.code], [410, 'session_expired']);
  });

  it('refuses bad uploads with 400 invalid_capture, spends nothing and stores nothing', async () => {
    const { auth, html, accountId } = await atSelfie();
    const { uploadUrl, session } = selfieSession(html);
    const left = await provider.kit.liveness.attemptsLeft(accountId);
    const good = captureFrames('a-lrl');
    const cases: [string, FormData | string][] = [
      ['not multipart', 'frame=1'],
      ['no frames', captureBody({ frames: [], t: [] })],
      ['17 frames', captureBody({ frames: Array(17).fill(good.frames[0]), t: Array.from({ length: 17 }, (_, i) => i * 100) })],
      ['a frame over 400 kB', captureBody({ frames: [good.frames[0]!, Buffer.concat([good.frames[1]!, Buffer.alloc(400 * 1024)]), good.frames[2]!], t: [0, 1, 2] })],
      ['a PNG frame', captureBody({ frames: [good.frames[0]!, faceFixture('../../../node_modules/@vladmandic/human/assets/icon.png'), good.frames[2]!], t: [0, 1, 2] })],
      ['times out of order', captureBody({ frames: good.frames.slice(0, 3), t: [0, 600, 300] })],
      ['a missing time', captureBody({ frames: good.frames.slice(0, 3), t: [0, 300] })],
    ];
    const extra = captureBody({ frames: good.frames.slice(0, 3), t: [0, 1, 2] });
    extra.append('verdict', 'passed');
    cases.push(['a field the protocol does not have (a page-reported verdict)', extra]);
    for (const [label, body] of cases) {
      const answer = await upload(auth.browser, uploadUrl, body);
      assert.equal(answer.status, 400, `${label}: ${JSON.stringify(answer.json)}`);
      assert.equal(answer.json.code, 'invalid_capture', label);
      assert.equal(typeof answer.json.message, 'string');
    }
    assert.equal(await provider.kit.liveness.attemptsLeft(accountId), left, 'no attempt counted');
    assert.equal(await provider.kit.liveness.result(session), undefined, 'no decision stored');
    assert.ok(await provider.kit.liveness.openSession(session, accountId), 'the session is not spent');
  });

  it('serves the element and the guidance models, nothing else from the package', async () => {
    for (const path of ['/assets/liveness/human.esm.js', '/assets/liveness/models/blazeface.json', '/assets/liveness/models/facemesh.bin']) {
      const res = await fetch(new URL(path, provider.issuer));
      assert.equal(res.status, 200, path);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      await res.arrayBuffer();
    }
    for (const path of ['/assets/liveness/models/faceres.bin', '/assets/liveness/../package.json', '/assets/liveness/models/antispoof.json']) {
      const res = await fetch(new URL(path, provider.issuer));
      assert.notEqual(res.status, 200, path);
      await res.arrayBuffer();
    }
  });
});

describe('the reuse step of a level that takes a selfie', () => {
  let conn: ConnectResult;
  let accountId: string;

  before(async () => {
    // a verified account with person A's document photo, connected to the integrator, consenting to the recipient
    const { auth, url, accountId: id } = await atSelfie();
    accountId = id;
    const submitted = await passSelfie(auth.browser, url);
    const review = await auth.browser.follow(submitted.headers.get('location')!);
    assert.equal(await waitForReview(auth.browser), 'approved');
    const consent = await auth.browser.follow(new URL(review.url).pathname + new URL(review.url).search);
    const tokens = await allowAndExchange(auth, consent);
    conn = { browser: auth.browser, accessToken: tokens.access_token, idToken: undefined, idTokenClaims: undefined, scope: tokens.scope };
    await consentTo(provider, conn, SELFIE_RECIPIENT.id);
  });

  const recipientAuth = basic(SELFIE_RECIPIENT.id, SELFIE_RECIPIENT.secret);
  const peek = (shareToken: string) => api(provider, '/api/reuse/documents', { shareToken, levelName: 'selfie-kyc-level' }, recipientAuth);
  const reuse = (shareToken: string) => api(provider, '/api/reuse', { shareToken, levelName: 'selfie-kyc-level' }, recipientAuth);

  it('fails the level until a passing capture exists for that token', async () => {
    const { token } = await mintShareToken(provider, conn.accessToken, SELFIE_RECIPIENT.id);
    const peeked = await peek(token);
    assert.equal(peeked.status, 200);
    assert.match(peeked.json.ownership.url, new RegExp(`^${provider.issuer}/selfie/[\\w-]{22}$`));
    assert.equal(peeked.json.ownership.status, 'required');
    const result = await reuse(token);
    assert.equal(result.status, 200);
    assert.equal(result.json.status, 'rejected');
    assert.deepEqual(result.json.checks, [
      { type: 'identity', result: 'passed' },
      { type: 'selfie', result: 'failed', reason: 'missing' },
      { type: 'liveness', result: 'failed', reason: 'not_performed' },
      { type: 'face_match', result: 'failed', reason: 'not_performed' },
    ]);
    assert.deepEqual(result.json.missing, ['selfie']);
  });

  it('sends the user to a provider-hosted selfie bound to the token\u2019s account; a pass makes the level pass', async () => {
    const { token } = await mintShareToken(provider, conn.accessToken, SELFIE_RECIPIENT.id);
    const { url } = (await peek(token)).json.ownership as { url: string };
    assert.equal((await peek(token)).json.ownership.url, url, 'one page per token');

    // someone else signed in at the provider gets no session for it; nobody signed in is sent to sign in
    const signedOut = await new Browser(provider.issuer).request(new URL(url).pathname);
    assert.equal(signedOut.status, 303);
    const other = await atSelfie();
    const wrong = await other.auth.browser.follow(new URL(url).pathname);
    assert.equal(wrong.res.status, 403);
    assert.doesNotMatch(wrong.html, /idc-liveness-check/);

    const page = await conn.browser.follow(new URL(url).pathname);
    assert.equal(page.res.status, 200);
    assert.match(page.html, /Selfie Bank asks you to show that you hold this account/);
    assert.match(page.res.headers.get('content-security-policy')!, /'wasm-unsafe-eval'/);
    const { uploadUrl, session } = selfieSession(page.html);
    // the other person fails, and a failure does not pass the level
    const failed = await conn.browser.request(uploadUrl, { multipart: captureBody(captureFrames('b-lrl')) });
    const failure = (await failed.json()) as { code: string; retry: { uploadUrl: string } };
    assert.equal(failed.status, 422);
    assert.equal(failure.code, 'face_mismatch');
    assert.deepEqual((await peek(token)).json.ownership, { url, status: 'failed', reason: 'face_mismatch' });
    const passed = await conn.browser.request(failure.retry.uploadUrl, { multipart: captureBody(captureFrames('a-lrl')) });
    assert.equal(passed.status, 200);
    assert.notEqual(session, '');
    assert.equal((await peek(token)).json.ownership.status, 'passed');
    const done = await conn.browser.follow(new URL(url).pathname);
    assert.match(done.html, /Selfie checked/);
    assert.doesNotMatch(done.html, /idc-liveness-check/, 'no second capture once passed');

    const result = await reuse(token);
    assert.equal(result.json.status, 'approved', JSON.stringify(result.json));
    assert.deepEqual(result.json.checks, [
      { type: 'identity', result: 'passed' },
      { type: 'selfie', result: 'passed' },
      { type: 'liveness', result: 'passed' },
      { type: 'face_match', result: 'passed' },
    ]);
    assert.deepEqual(result.json.missing, []);

    // the pass belongs to that token only: the next token needs its own selfie
    const next = await mintShareToken(provider, conn.accessToken, SELFIE_RECIPIENT.id);
    assert.equal((await reuse(next.token)).json.status, 'rejected');
    assert.ok(accountId);
  });
});
