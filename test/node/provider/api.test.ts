import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, afterEach, before, describe, it, mock } from 'node:test';
import type { RunningProvider } from '../../../demo/provider/index.js';
import {
  BOB,
  INTEGRATOR,
  RECIPIENT,
  RECIPIENT_2,
  api,
  assertApiError,
  basic,
  bearer,
  connect,
  consentTo,
  mintShareToken,
  start,
  type ConnectResult,
} from './helpers.js';

const PICKY = { id: 'picky-recipient', secret: 'picky-recipient-secret' };

let provider: RunningProvider;
let alice: ConnectResult;

before(async () => {
  provider = await start({
    extraClients: [
      {
        client_id: PICKY.id,
        client_secret: PICKY.secret,
        client_name: 'Picky Recipient',
        redirect_uris: [],
        grant_types: [],
        response_types: [],
        idc_role: 'recipient',
        idc_allowed_donors: ['someone-else'],
        idc_levels: { 'basic-kyc-level': [{ id: 'identity', accepts: ['passport'], required: true }] },
      },
    ],
  });
  alice = await connect(provider);
  await consentTo(provider, alice, RECIPIENT.id);
});
after(() => provider.close());
afterEach(() => mock.timers.reset());

const reuseAs = (recipient: { id: string; secret: string }, body: unknown) =>
  api(provider, '/api/reuse', body, basic(recipient.id, recipient.secret));
const peekAs = (recipient: { id: string; secret: string }, body: unknown) =>
  api(provider, '/api/reuse/documents', body, basic(recipient.id, recipient.secret));

describe('POST /api/share-token', () => {
  it('mints an opaque ≥256-bit token bound to the recipient, reporting sharingAllowed', async () => {
    const result = await api(
      provider,
      '/api/share-token',
      { forClientId: RECIPIENT.id, ttlInSecs: 120 },
      bearer(alice.accessToken),
    );
    assert.equal(result.status, 200);
    assert.equal(result.json.forClientId, RECIPIENT.id);
    assert.equal(result.json.sharingAllowed, true);
    assert.equal(result.json.expiresIn, 120);
    const token: string = result.json.token;
    const random = token.replace(/^idcst_/, '');
    assert.match(random, /^[A-Za-z0-9_-]{43}$/);
    assert.ok(Buffer.from(random, 'base64url').length >= 32, '≥ 256 bits');
    assert.equal(token.split('.').length, 1, 'not a JWT');
    const other = await mintShareToken(provider, alice.accessToken);
    assert.notEqual(other.token, token);
  });

  it('defaults ttlInSecs and reports sharingAllowed false where there is no consent', async () => {
    const result = await api(provider, '/api/share-token', { forClientId: RECIPIENT_2.id }, bearer(alice.accessToken));
    assert.equal(result.status, 200);
    assert.equal(result.json.sharingAllowed, false);
    assert.equal(result.json.expiresIn, 1800);
  });

  it('takes ttlInSecs as an integer or a decimal string, 1 to 86400, and keeps tokens opaque and short', async () => {
    for (const [ttl, expiresIn] of [[1, 1], ['1800', 1800], [86400, 86400], ['86400', 86400]] as const) {
      const result = await api(provider, '/api/share-token', { forClientId: RECIPIENT.id, ttlInSecs: ttl }, bearer(alice.accessToken));
      assert.equal(result.status, 200, JSON.stringify(result.json));
      assert.equal(result.json.expiresIn, expiresIn);
      assert.ok(result.json.token.length <= 1024);
    }
  });

  it('refuses wrong types and values with a coded 400', async () => {
    const cases: [unknown, string][] = [
      [{}, 'invalid_request'],
      [{ forClientId: 7 }, 'invalid_request'],
      [{ forClientId: '' }, 'invalid_request'],
      [{ forClientId: RECIPIENT.id, ttlInSecs: '60s' }, 'invalid_request'],
      [{ forClientId: RECIPIENT.id, ttlInSecs: '1e3' }, 'invalid_request'],
      [{ forClientId: RECIPIENT.id, ttlInSecs: ' 60' }, 'invalid_request'],
      [{ forClientId: RECIPIENT.id, ttlInSecs: '0' }, 'invalid_request'],
      [{ forClientId: RECIPIENT.id, ttlInSecs: '86401' }, 'invalid_request'],
      [{ forClientId: RECIPIENT.id, ttlInSecs: 0 }, 'invalid_request'],
      [{ forClientId: RECIPIENT.id, ttlInSecs: 86401 }, 'invalid_request'],
      [{ forClientId: RECIPIENT.id, ttlInSecs: 1.5 }, 'invalid_request'],
      [{ forClientId: RECIPIENT.id, ttlInSecs: null }, 'invalid_request'],
      [{ forClientId: 'unknown-client' }, 'invalid_recipient'],
      [{ forClientId: INTEGRATOR.id }, 'invalid_recipient'],
      [{ forClientId: 'idc-provider-ui' }, 'invalid_recipient'],
      [[RECIPIENT.id], 'invalid_request'],
      ['null', 'invalid_request'],
      ['{"forClientId":', 'invalid_request'],
    ];
    for (const [body, code] of cases) {
      assertApiError(await api(provider, '/api/share-token', body, bearer(alice.accessToken)), 400, code);
    }
  });

  it('refuses a missing, unknown or wrong kind of bearer with 401 and WWW-Authenticate', async () => {
    const body = { forClientId: RECIPIENT.id };
    const none = await api(provider, '/api/share-token', body, undefined);
    assertApiError(none, 401, 'invalid_token');
    assert.match(none.headers.get('www-authenticate')!, /^Bearer/);
    assertApiError(await api(provider, '/api/share-token', body, bearer('not-a-token')), 401, 'invalid_token');
    assertApiError(await api(provider, '/api/share-token', body, `Basic ${alice.accessToken}`), 401, 'invalid_token');
    assertApiError(await api(provider, '/api/share-token', body, bearer(alice.idToken!)), 401, 'invalid_token');
    const withRefresh = await connect(provider, { scope: 'openid share offline_access', prompt: 'consent' });
    assertApiError(
      await api(provider, '/api/share-token', body, bearer(withRefresh.refreshToken!)),
      401,
      'invalid_token',
    );
  });

  it('refuses a connect token without the share scope (403 insufficient_scope)', async () => {
    const noShare = await connect(provider, { scope: 'openid email' });
    const result = await api(provider, '/api/share-token', { forClientId: RECIPIENT.id }, bearer(noShare.accessToken));
    assertApiError(result, 403, 'insufficient_scope');
    assert.match(result.headers.get('www-authenticate')!, /insufficient_scope/);
  });

  it('refuses an expired connect token', async () => {
    const conn = await connect(provider);
    mock.timers.enable({ apis: ['Date'], now: Date.now() });
    mock.timers.tick(3601_000);
    assertApiError(
      await api(provider, '/api/share-token', { forClientId: RECIPIENT.id }, bearer(conn.accessToken)),
      401,
      'invalid_token',
    );
  });
});

describe('request hygiene on every API route', () => {
  const routes = ['/api/share-token', '/api/share-link', '/api/consents/revoke', '/api/reuse', '/api/reuse/documents'];

  it('a body over 16 kB is a 413 JSON error', async () => {
    const huge = JSON.stringify({ forClientId: 'x'.repeat(20_000) });
    for (const route of routes) {
      const auth = route.startsWith('/api/reuse') ? basic(RECIPIENT.id, RECIPIENT.secret) : bearer(alice.accessToken);
      assertApiError(await api(provider, route, huge, auth), 413, 'payload_too_large');
    }
  });

  it('a streamed (chunked) body over the limit is cut off with 413', async () => {
    const url = new URL('/api/reuse', provider.url);
    const result = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: basic(RECIPIENT.id, RECIPIENT.secret),
          'transfer-encoding': 'chunked',
        },
      });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      });
      req.on('error', reject);
      req.write('{"shareToken":"');
      for (let i = 0; i < 40; i++) req.write('a'.repeat(1024));
      req.end('"}');
    });
    assert.equal(result.status, 413);
    assert.equal(JSON.parse(result.body).error, 'payload_too_large');
  });

  it('a body that is not application/json is a 415', async () => {
    const res = await fetch(new URL('/api/share-token', provider.issuer), {
      method: 'POST',
      headers: { authorization: bearer(alice.accessToken), 'content-type': 'text/plain' },
      body: JSON.stringify({ forClientId: RECIPIENT.id }),
    });
    assert.equal(res.status, 415);
    assert.equal(((await res.json()) as { error: string }).error, 'unsupported_media_type');
  });

  it('wrong method is 405, unknown route 404, both JSON', async () => {
    const get = await fetch(new URL('/api/share-token', provider.issuer));
    assert.equal(get.status, 405);
    assert.equal(get.headers.get('allow'), 'POST');
    assert.equal(((await get.json()) as { error: string }).error, 'method_not_allowed');
    const missing = await api(provider, '/api/nothing-here', {}, undefined);
    assertApiError(missing, 404, 'not_found');
  });
});

describe('POST /api/reuse/documents and /api/reuse', () => {
  it('peek lists only the shareable documents of the level (never the expired ID card) and its requirements, without consuming', async () => {
    const { token } = await mintShareToken(provider, alice.accessToken);
    const first = await peekAs(RECIPIENT, { shareToken: token });
    assert.equal(first.status, 200);
    assert.equal(first.json.levelName, 'basic-kyc-level');
    assert.deepEqual(first.json.recipient, { clientId: RECIPIENT.id, name: 'Regulated Bank' });
    assert.deepEqual(
      first.json.requirements.map((r: { id: string; required: boolean }) => [r.id, r.required]),
      [
        ['identity', true],
        ['address', true],
      ],
    );
    const byId = Object.fromEntries(first.json.documents.map((d: { id: string; status: string }) => [d.id, d.status]));
    assert.deepEqual(byId, {
      'doc-alice-passport': 'verified',
      'doc-alice-poa': 'verified',
    });
    const second = await peekAs(RECIPIENT, { shareToken: token, levelName: 'basic-kyc-level' });
    assert.equal(second.status, 200, 'peeking twice is fine');
    const redeemed = await reuseAs(RECIPIENT, { shareToken: token, levelName: 'basic-kyc-level' });
    assert.equal(redeemed.status, 200, 'token still unused after peeks');
  });

  it('redeems once: applicant, level, approved verdict with fresh checks, and the chosen documents', async () => {
    const { token } = await mintShareToken(provider, alice.accessToken);
    const result = await reuseAs(RECIPIENT, { shareToken: token, levelName: 'basic-kyc-level' });
    assert.equal(result.status, 200);
    assert.match(result.json.applicantId, /^app_[0-9a-f]{24}$/);
    assert.equal(result.json.levelName, 'basic-kyc-level');
    assert.equal(result.json.status, 'approved');
    assert.deepEqual(result.json.review, { answer: 'GREEN', rejectLabels: [] });
    assert.deepEqual(result.json.checks, [
      { type: 'identity', result: 'passed' },
      { type: 'address', result: 'passed' },
    ]);
    assert.equal(result.json.externalUserId, null);
    assert.deepEqual(result.json.missing, []);
    assert.deepEqual(
      result.json.documents.map((d: { id: string; type: string; country: string }) => [d.id, d.type, d.country]),
      [
        ['doc-alice-passport', 'passport', 'DE'],
        ['doc-alice-poa', 'proof_of_address', 'DE'],
      ],
    );
    assertApiError(await reuseAs(RECIPIENT, { shareToken: token, levelName: 'basic-kyc-level' }), 400, 'invalid_share_token');
    assertApiError(await peekAs(RECIPIENT, { shareToken: token }), 400, 'invalid_share_token');
  });

  it('re-checks selections; a refused selection shares nothing and leaves the token usable', async () => {
    const { token } = await mintShareToken(provider, alice.accessToken);
    const bad: [unknown, string][] = [
      [[], 'empty'],
      ['passport', 'not an array'],
      [[{ requirementId: 'identity' }], 'missing documentId'],
      [[{ requirementId: 'identity', documentId: 5 }], 'wrong type'],
      [[{ requirementId: 'identity', documentId: 'doc-bob-driving-licence' }], "someone else's document"],
      [[{ requirementId: 'identity', documentId: 'doc-alice-id-card-2014' }], 'expired document'],
      [[{ requirementId: 'identity', documentId: 'doc-alice-poa' }], 'does not fit the requirement'],
      [[{ requirementId: 'selfie', documentId: 'doc-alice-passport' }], 'unknown requirement'],
      [
        [
          { requirementId: 'identity', documentId: 'doc-alice-passport' },
          { requirementId: 'identity', documentId: 'doc-alice-passport' },
        ],
        'duplicate',
      ],
      [
        [
          { requirementId: 'identity', documentId: 'doc-alice-passport' },
          { requirementId: 'address', documentId: 'doc-alice-nope' },
        ],
        'one good, one tampered',
      ],
    ];
    for (const [selections, why] of bad) {
      const result = await reuseAs(RECIPIENT, { shareToken: token, levelName: 'basic-kyc-level', selections });
      assert.equal(result.status, 400, why);
      assert.equal(result.json.error, 'invalid_selection', why);
      assert.equal(result.json.applicantId, undefined, why);
    }
    const ok = await reuseAs(RECIPIENT, {
      shareToken: token,
      levelName: 'basic-kyc-level',
      selections: [{ requirementId: 'identity', documentId: 'doc-alice-passport' }],
    });
    assert.equal(ok.status, 200, 'the token survived every refusal');
    assert.equal(ok.json.status, 'rejected');
    assert.deepEqual(ok.json.missing, ['address']);
    assert.deepEqual(
      ok.json.documents.map((d: { id: string }) => d.id),
      ['doc-alice-passport'],
    );
  });

  it('refuses bad bodies and unknown levels with a coded 400, token kept', async () => {
    const { token } = await mintShareToken(provider, alice.accessToken);
    for (const body of [
      {},
      { shareToken: token },
      { shareToken: 12, levelName: 'basic-kyc-level' },
      { shareToken: token, levelName: ['basic-kyc-level'] },
    ]) {
      assertApiError(await reuseAs(RECIPIENT, body), 400, 'invalid_request');
    }
    for (const levelName of ['premium', '__proto__', 'constructor']) {
      assertApiError(await reuseAs(RECIPIENT, { shareToken: token, levelName }), 400, 'invalid_level');
    }
    assert.equal((await reuseAs(RECIPIENT, { shareToken: token, levelName: 'basic-kyc-level' })).status, 200);
  });

  it('authenticates the recipient with HTTP Basic', async () => {
    const { token } = await mintShareToken(provider, alice.accessToken);
    const body = { shareToken: token, levelName: 'basic-kyc-level' };
    const none = await api(provider, '/api/reuse', body, undefined);
    assertApiError(none, 401, 'invalid_client');
    assert.match(none.headers.get('www-authenticate')!, /^Basic/);
    assertApiError(await reuseAs({ id: RECIPIENT.id, secret: 'wrong' }, body), 401, 'invalid_client');
    assertApiError(await reuseAs({ id: RECIPIENT.id, secret: '' }, body), 401, 'invalid_client');
    assertApiError(await reuseAs(INTEGRATOR, body), 401, 'invalid_client');
    assertApiError(await api(provider, '/api/reuse', body, bearer(alice.accessToken)), 401, 'invalid_client');
    assert.equal((await reuseAs(RECIPIENT, body)).status, 200);
  });

  it('a token is bound to its recipient: another recipient cannot redeem it', async () => {
    const { token } = await mintShareToken(provider, alice.accessToken, RECIPIENT.id);
    assertApiError(
      await reuseAs(RECIPIENT_2, { shareToken: token, levelName: 'basic-kyc-level' }),
      400,
      'invalid_share_token',
    );
    assert.equal((await reuseAs(RECIPIENT, { shareToken: token, levelName: 'basic-kyc-level' })).status, 200);
  });

  it("recipient A's consent does not cover recipient B", async () => {
    const { token, sharingAllowed } = await mintShareToken(provider, alice.accessToken, RECIPIENT_2.id);
    assert.equal(sharingAllowed, false);
    assertApiError(
      await reuseAs(RECIPIENT_2, { shareToken: token, levelName: 'basic-kyc-level' }),
      403,
      'consent_required',
    );
  });

  it('consent given after minting makes the same unused token redeemable (checked at redeem time)', async () => {
    const conn = await connect(provider, { account: BOB });
    const { token, sharingAllowed } = await mintShareToken(provider, conn.accessToken, RECIPIENT_2.id);
    assert.equal(sharingAllowed, false);
    assertApiError(await reuseAs(RECIPIENT_2, { shareToken: token, levelName: 'basic-kyc-level' }), 403, 'consent_required');
    await consentTo(provider, conn, RECIPIENT_2.id);
    const result = await reuseAs(RECIPIENT_2, { shareToken: token, levelName: 'basic-kyc-level' });
    assert.equal(result.status, 200);
    // bob's proof of address is still pending review: identity shared, address to be collected
    assert.equal(result.json.status, 'rejected');
    assert.deepEqual(result.json.missing, ['address']);
  });

  it('revoking consent invalidates unused tokens; new tokens say sharingAllowed false', async () => {
    const conn = await connect(provider);
    await consentTo(provider, conn, RECIPIENT_2.id);
    const unused = await mintShareToken(provider, conn.accessToken, RECIPIENT_2.id);
    assert.equal(unused.sharingAllowed, true);
    const revoke = await api(provider, '/api/consents/revoke', { forClientId: RECIPIENT_2.id }, bearer(conn.accessToken));
    assert.equal(revoke.status, 200);
    assert.deepEqual(revoke.json, { forClientId: RECIPIENT_2.id, revoked: true });
    assertApiError(
      await reuseAs(RECIPIENT_2, { shareToken: unused.token, levelName: 'basic-kyc-level' }),
      403,
      'consent_required',
    );
    assert.equal((await mintShareToken(provider, conn.accessToken, RECIPIENT_2.id)).sharingAllowed, false);
    const again = await api(provider, '/api/consents/revoke', { forClientId: RECIPIENT_2.id }, bearer(conn.accessToken));
    assert.equal(again.json.revoked, false);
    // alice's consent for the first recipient is untouched
    assert.equal((await mintShareToken(provider, alice.accessToken, RECIPIENT.id)).sharingAllowed, true);
    assertApiError(await api(provider, '/api/consents/revoke', { forClientId: 1 }, bearer(conn.accessToken)), 400, 'invalid_request');
    assertApiError(await api(provider, '/api/consents/revoke', { forClientId: RECIPIENT.id }, undefined), 401, 'invalid_token');
  });

  it('a recipient without an active partnership gets no share tokens until it accepts the integrator', async () => {
    const mint = () => api(provider, '/api/share-token', { forClientId: PICKY.id }, bearer(alice.accessToken));
    assertApiError(await mint(), 403, 'partnership_inactive');
    const created = await api(provider, '/api/partnerships', { recipientClientId: PICKY.id }, basic(INTEGRATOR.id, INTEGRATOR.secret));
    assert.equal(created.status, 200, JSON.stringify(created.json));
    assert.equal(created.json.status, 'pending');
    assertApiError(await mint(), 403, 'partnership_inactive');
    const listed = await fetch(new URL('/api/partnerships', provider.issuer), { headers: { authorization: basic(PICKY.id, PICKY.secret) } });
    const mine = ((await listed.json()) as { partnerships: { id: string; integratorClientId: string }[] }).partnerships;
    assert.deepEqual(mine.filter((p) => p.integratorClientId === INTEGRATOR.id).map((p) => p.id), [created.json.id], 'the recipient sees it');
    assertApiError(
      await api(provider, `/api/partnerships/${created.json.id}/activate`, {}, basic(RECIPIENT.id, RECIPIENT.secret)),
      404,
      'not_found',
    );
    const activated = await api(provider, `/api/partnerships/${created.json.id}/activate`, {}, basic(PICKY.id, PICKY.secret));
    assert.equal(activated.json.status, 'active');
    const minted = await mint();
    assert.equal(minted.status, 200);
    assert.equal(minted.json.sharingAllowed, false, 'the partnership is not the user\u2019s consent');
  });

  it('an expired share token is refused', async () => {
    const { token } = await mintShareToken(provider, alice.accessToken, RECIPIENT.id, 30);
    mock.timers.enable({ apis: ['Date'], now: Date.now() });
    mock.timers.tick(31_000);
    assertApiError(await reuseAs(RECIPIENT, { shareToken: token, levelName: 'basic-kyc-level' }), 400, 'invalid_share_token');
  });

  it('signing the user out revokes the connect grant: its share tokens stop working, its connect token is revoked', async () => {
    const conn = await connect(provider);
    const { token } = await mintShareToken(provider, conn.accessToken, RECIPIENT.id);
    const logout = await conn.browser.follow('/session/end');
    const confirm = /name="xsrf" value="([^"]+)"/.exec(logout.html)![1]!;
    const ended = await conn.browser.request('/session/end/confirm', { form: { xsrf: confirm, logout: 'yes' } });
    assert.equal(ended.status, 303);
    assertApiError(await reuseAs(RECIPIENT, { shareToken: token, levelName: 'basic-kyc-level' }), 403, 'consent_required');
    assertApiError(
      await api(provider, '/api/share-token', { forClientId: RECIPIENT.id }, bearer(conn.accessToken)),
      401,
      'connection_revoked',
    );
  });
});
