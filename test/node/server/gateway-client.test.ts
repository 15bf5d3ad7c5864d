/**
 * createGatewayClient() against the real reference provider (demo/provider) — share tokens and links, partnerships,
 * reuse with its verdict, and the webhooks it signs — and against a stand-in gateway for the failures the provider
 * never produces (timeouts, refused connections, a 500, non-JSON answers, redirects), plus option checks and a
 * leak check of every error path.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { inspect } from 'node:util';
import { after, before, describe, it } from 'node:test';
import type { RunningProvider } from '../../../demo/provider/index.js';
import { createGatewayClient, IdcServerError } from '../../../src/server/index.js';
import type { GatewayClient, GatewayClientOptions } from '../../../src/server/index.js';
import {
  BOB,
  INTEGRATOR,
  RECIPIENT,
  RECIPIENT_2,
  SHARE_CALLBACK,
  connect,
  consentTo,
  csrfFrom,
  start,
  type ConnectResult,
} from '../provider/helpers.js';
import { answer, startFakeGateway } from './support/fake-gateway.js';
import type { FakeGateway } from './support/fake-gateway.js';
import { closedPort } from './support/jwks-server.js';
import { rejects } from './support/rejects.js';

const LEVEL = 'basic-kyc-level';
const RECIPIENT_WEBHOOK_SECRET = `${RECIPIENT.id}-webhook-secret`;
/** A recipient with no seeded partnership: sharing with it starts only once it activates one. */
const NEWCOMER = { id: 'gw-newcomer', secret: 'gw-newcomer-secret-0123456789' };
/** A recipient whose secret needs the form-urlencoding of RFC 6749 §2.3.1 inside HTTP Basic. */
const ODD = { id: 'gw-odd', secret: 'p@ss: wörd+%2F/&=ÿ' };

let provider: RunningProvider;
/** The recipients' webhook endpoint (`<recipientOrigin>/webhooks/idc`) and the stand-in gateway. */
let receiver: FakeGateway;
let fake: FakeGateway;
let alice: ConnectResult;
let integrator: GatewayClient;
let recipient: GatewayClient;

function recipientClient(id: string, secret: string, webhookUrl: string) {
  return {
    client_id: id,
    client_secret: secret,
    client_name: id,
    redirect_uris: [],
    grant_types: [],
    response_types: [],
    idc_role: 'recipient',
    idc_allowed_donors: [],
    idc_levels: { [LEVEL]: [{ id: 'identity', accepts: ['passport', 'id_card', 'driving_license'], required: true }] },
    idc_webhook_url: webhookUrl,
    idc_webhook_secret: `${id}-webhook-secret`,
  };
}

before(async () => {
  receiver = await startFakeGateway();
  receiver.handle((_req, res) => answer(res, 204, ''));
  fake = await startFakeGateway();
  const webhookUrl = `${receiver.origin}/webhooks/idc`;
  provider = await start({
    recipientOrigin: receiver.origin,
    extraClients: [recipientClient(NEWCOMER.id, NEWCOMER.secret, webhookUrl), recipientClient(ODD.id, ODD.secret, webhookUrl)],
    webhooks: { intervalMs: 50, backoffMs: 50 },
  });
  integrator = createGatewayClient({ issuer: provider.issuer, clientId: INTEGRATOR.id, clientSecret: INTEGRATOR.secret });
  recipient = createGatewayClient({
    issuer: provider.issuer,
    clientId: RECIPIENT.id,
    clientSecret: RECIPIENT.secret,
    webhookSecret: RECIPIENT_WEBHOOK_SECRET,
  });
  alice = await connect(provider);
  await consentTo(provider, alice, RECIPIENT.id);
});

after(async () => {
  await provider?.close();
  await receiver?.close();
  await fake?.close();
});

/** A client of the stand-in gateway. */
function fakeClient(overrides: Partial<GatewayClientOptions> = {}): GatewayClient {
  return createGatewayClient({ issuer: fake.origin, clientId: 'fake-client', clientSecret: 'fake-client-secret-0123', ...overrides });
}

/** Waits until `check` returns a value (webhook deliveries are asynchronous). */
async function eventually<T>(check: () => T | undefined, what: string, ms = 5000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > until) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function sign(body: string | Uint8Array, secret = RECIPIENT_WEBHOOK_SECRET): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

describe('integrator calls (Bearer connect token)', () => {
  it('shareToken mints a share token for a consented recipient', async () => {
    const minted = await integrator.shareToken({ connectToken: alice.accessToken, forClientId: RECIPIENT.id, ttlInSecs: 120 });
    assert.match(minted.token, /^idcst_[A-Za-z0-9_-]{43}$/);
    assert.equal(minted.forClientId, RECIPIENT.id);
    assert.equal(minted.sharingAllowed, true);
    assert.equal(minted.expiresIn, 120);
  });

  it('shareToken without ttlInSecs takes the provider default; no consent ⇒ sharingAllowed false', async () => {
    const minted = await integrator.shareToken({ connectToken: alice.accessToken, forClientId: RECIPIENT_2.id });
    assert.equal(minted.sharingAllowed, false);
    assert.ok(minted.expiresIn > 0);
  });

  it('shareLink returns a single-use consent link on the provider', async () => {
    const result = await integrator.shareLink({
      connectToken: alice.accessToken,
      redirectUri: SHARE_CALLBACK,
      forClientId: RECIPIENT.id,
      displayMode: 'popup',
      state: 'gateway-state-1',
    });
    assert.ok(result.link.startsWith(`${provider.issuer}/share/`), result.link);
    assert.equal(result.expiresIn, 300);
  });

  it('a provider refusal is gateway_error with the provider\'s code, message and status', async () => {
    const unknown = await rejects(integrator.shareToken({ connectToken: alice.accessToken, forClientId: 'nobody' }), 'gateway_error');
    assert.equal(unknown.providerCode, 'invalid_recipient');
    assert.equal(unknown.status, 400);
    assert.equal(unknown.retryable, false);
    assert.equal(typeof unknown.providerMessage, 'string');
    assert.match(unknown.message, /400 invalid_recipient/);

    const badToken = await rejects(integrator.shareToken({ connectToken: 'not-a-real-token', forClientId: RECIPIENT.id }), 'gateway_error');
    assert.equal(badToken.providerCode, 'invalid_token');
    assert.equal(badToken.status, 401);

    const badRedirect = await rejects(
      integrator.shareLink({ connectToken: alice.accessToken, redirectUri: 'https://evil.example/cb', forClientId: RECIPIENT.id, state: 's' }),
      'gateway_error',
    );
    assert.equal(badRedirect.providerCode, 'invalid_redirect_uri');
    assert.deepEqual(badRedirect.toJSON(), {
      name: 'IdcServerError',
      code: 'gateway_error',
      message: badRedirect.message,
      retryable: false,
      providerCode: 'invalid_redirect_uri',
      status: 400,
    });
  });
});

describe('recipient calls (HTTP Basic)', () => {
  it('reuseDocuments shows the documents and requirements without spending the token; reuse spends it', async () => {
    const { token } = await integrator.shareToken({ connectToken: alice.accessToken, forClientId: RECIPIENT.id });
    const peek = await recipient.reuseDocuments({ shareToken: token, levelName: LEVEL });
    assert.equal(peek.levelName, LEVEL);
    assert.equal(peek.recipient.clientId, RECIPIENT.id);
    assert.deepEqual(peek.requirements.map((r) => r.id), ['identity', 'address']);
    assert.ok(peek.documents.some((d) => d.type === 'passport'));
    assert.ok(peek.expiresIn > 0);
    const again = await recipient.reuseDocuments({ shareToken: token, levelName: LEVEL });
    assert.deepEqual(again.documents, peek.documents, 'peeking twice: the token is still unspent');

    const passport = peek.documents.find((d) => d.type === 'passport')!;
    const result = await recipient.reuse({
      shareToken: token,
      levelName: LEVEL,
      selections: [{ requirementId: 'identity', documentId: passport.id }],
    });
    assert.match(result.applicantId, /^app_/);
    assert.equal(result.levelName, LEVEL);
    assert.ok(result.documents.some((d) => d.id === passport.id && d.type === 'passport' && typeof d.country === 'string'));

    const spent = await rejects(recipient.reuse({ shareToken: token, levelName: LEVEL }), 'gateway_error');
    assert.equal(spent.providerCode, 'invalid_share_token');
    const peekSpent = await rejects(recipient.reuseDocuments({ shareToken: token, levelName: LEVEL }), 'gateway_error');
    assert.equal(peekSpent.providerCode, 'invalid_share_token');
  });

  it('reuse returns the verdict: approved/GREEN with passed checks and the caller\'s userId', async () => {
    const { token } = await integrator.shareToken({ connectToken: alice.accessToken, forClientId: RECIPIENT.id });
    const result = await recipient.reuse({ shareToken: token, levelName: LEVEL, userId: 'bank-user-17' });
    assert.equal(result.status, 'approved');
    assert.deepEqual(result.review, { answer: 'GREEN', rejectLabels: [] });
    assert.equal(result.externalUserId, 'bank-user-17');
    assert.deepEqual(
      result.checks.map((c) => [c.type, c.result]),
      [['identity', 'passed'], ['address', 'passed']],
    );
  });

  it('reuse returns rejected/RED with the failed check when a requirement is not met (bob: no verified address)', async () => {
    const bob = await connect(provider, { account: BOB });
    await consentTo(provider, bob, RECIPIENT.id);
    const { token } = await integrator.shareToken({ connectToken: bob.accessToken, forClientId: RECIPIENT.id });
    const result = await recipient.reuse({ shareToken: token, levelName: LEVEL });
    assert.equal(result.status, 'rejected');
    assert.equal(result.review.answer, 'RED');
    assert.ok(result.review.rejectLabels.length > 0);
    const address = result.checks.find((c) => c.type === 'address');
    assert.equal(address?.result, 'failed');
    assert.equal(typeof address?.reason, 'string');
    assert.equal(result.externalUserId, null, 'no userId sent: the provider answers null');
  });

  it('wrong client credentials are invalid_client (providerCode invalid_client)', async () => {
    const impostor = createGatewayClient({ issuer: provider.issuer, clientId: RECIPIENT.id, clientSecret: 'wrong-secret-0123456789' });
    const err = await rejects(impostor.reuseDocuments({ shareToken: 'idcst_x', levelName: LEVEL }), 'invalid_client');
    assert.equal(err.providerCode, 'invalid_client');
    assert.equal(err.status, 401);
    assert.equal(err.retryable, false);
  });

  it('form-urlencodes id and secret inside HTTP Basic (RFC 6749 §2.3.1): an odd secret authenticates', async () => {
    const odd = createGatewayClient({ issuer: provider.issuer, clientId: ODD.id, clientSecret: ODD.secret });
    const { partnerships } = await odd.listPartnerships();
    assert.deepEqual(partnerships, [], 'authenticated (an empty list, not invalid_client)');
  });
});

describe('partnerships', () => {
  it('integrator creates (pending) → sharing refused with partnership_inactive → recipient activates → sharing works', async () => {
    const newcomer = createGatewayClient({ issuer: provider.issuer, clientId: NEWCOMER.id, clientSecret: NEWCOMER.secret });
    const created = await integrator.createPartnership({ recipientClientId: NEWCOMER.id });
    assert.equal(created.status, 'pending');
    assert.equal(created.integratorClientId, INTEGRATOR.id);
    assert.equal(created.recipientClientId, NEWCOMER.id);
    assert.equal(typeof created.id, 'string');

    const refused = await rejects(integrator.shareToken({ connectToken: alice.accessToken, forClientId: NEWCOMER.id }), 'gateway_error');
    assert.equal(refused.providerCode, 'partnership_inactive');
    assert.equal(refused.status, 403);

    const listed = await newcomer.listPartnerships();
    assert.deepEqual(listed.partnerships.map((p) => [p.id, p.status]), [[created.id, 'pending']]);

    const wrongSide = await rejects(recipient.activatePartnership(created.id), 'gateway_error');
    assert.equal(wrongSide.status, 404, 'only the partnership\'s own recipient may activate it');

    const activated = await newcomer.activatePartnership(created.id);
    assert.equal(activated.id, created.id);
    assert.equal(activated.status, 'active');

    const mine = await integrator.listPartnerships();
    assert.ok(mine.partnerships.some((p) => p.id === created.id && p.status === 'active'));
    assert.ok(mine.partnerships.some((p) => p.recipientClientId === RECIPIENT.id && p.status === 'active'), 'seeded');

    const minted = await integrator.shareToken({ connectToken: alice.accessToken, forClientId: NEWCOMER.id });
    assert.equal(minted.sharingAllowed, false, 'the partnership is active; the user has not consented yet');
  });

  it('an unknown partnership id is gateway_error not_found; the id is path-encoded', async () => {
    const err = await rejects(recipient.activatePartnership('ptn_nothing-here-000'), 'gateway_error');
    assert.equal(err.providerCode, 'not_found');
    fake.handle((_req, res) => answer(res, 404, { code: 'not_found', message: 'no such partnership' }));
    await rejects(fakeClient().activatePartnership('../../share-token?x=1'), 'gateway_error');
    assert.equal(fake.requests.at(-1)?.path, '/api/partnerships/..%2F..%2Fshare-token%3Fx%3D1/activate');
  });
});

describe('verifyWebhook', () => {
  const event = {
    type: 'applicantReviewed',
    applicantId: 'app_0123',
    externalUserId: 'bank-user-1',
    levelName: LEVEL,
    review: { answer: 'GREEN', rejectLabels: [] },
    deliveryId: 'whd_delivery-1',
    createdAt: new Date().toISOString(),
  };
  const body = JSON.stringify(event);
  const headers = (raw: string | Uint8Array = body, extra: Record<string, string> = {}) => ({
    'idc-signature': sign(raw),
    'idc-delivery': 'whd_delivery-1',
    ...extra,
  });

  it('returns the event of a correctly signed body, from a string, a Buffer, Headers or any header case', () => {
    const parsed = recipient.verifyWebhook(body, headers());
    assert.deepEqual(parsed, { ...event, deliveryId: 'whd_delivery-1' });
    assert.deepEqual(recipient.verifyWebhook(Buffer.from(body), headers()), parsed);
    assert.deepEqual(recipient.verifyWebhook(new TextEncoder().encode(body), new Headers(headers())), parsed);
    const upperHex = sign(body).toUpperCase().replace('SHA256=', 'sha256=');
    assert.deepEqual(recipient.verifyWebhook(body, { 'Idc-Signature': upperHex, 'IDC-DELIVERY': 'whd_delivery-1' }), parsed);
    const rejected = { ...event, externalUserId: null, review: { answer: 'RED', rejectLabels: ['ADDRESS_NOT_PROVIDED'] } };
    const text = JSON.stringify(rejected);
    assert.deepEqual(recipient.verifyWebhook(text, headers(text)), { ...rejected, deliveryId: 'whd_delivery-1' });
  });

  it('a missing, malformed, duplicated or wrong signature is invalid_signature', () => {
    const cases: Record<string, unknown>[] = [
      { 'idc-delivery': 'd1' },
      headers(body, { 'idc-signature': sign(body, 'another-secret-0123456789') }),
      headers(body, { 'idc-signature': sign(`${body} `) }),
      headers(body, { 'idc-signature': sign(body).replace('sha256=', 'sha1=') }),
      headers(body, { 'idc-signature': sign(body).slice(0, -2) }),
      headers(body, { 'idc-signature': sign(body).slice('sha256='.length) }),
      headers(body, { 'idc-signature': '' }),
      { ...headers(), 'idc-signature': [sign(body), sign(body)] },
      { ...headers(), 'Idc-Signature': sign(body) }, // the same header twice under two spellings
    ];
    for (const h of cases) {
      assert.throws(() => recipient.verifyWebhook(body, h as Record<string, string>), (err: unknown) => {
        assert.ok(err instanceof IdcServerError);
        assert.equal(err.code, 'invalid_signature', JSON.stringify(h));
        return true;
      });
    }
    const tampered = body.replace('GREEN', 'RED  ');
    assert.throws(() => recipient.verifyWebhook(tampered, headers()), { code: 'invalid_signature' });
    const joined = new Headers(headers());
    joined.append('idc-signature', sign(body));
    assert.throws(() => recipient.verifyWebhook(body, joined), { code: 'invalid_signature' });
  });

  it('a signed body without Idc-Delivery, not JSON, or of the wrong shape is invalid_webhook', () => {
    const signed = (raw: string, extra: Record<string, string> = {}) => () => recipient.verifyWebhook(raw, headers(raw, extra));
    assert.throws(signed(body, { 'idc-delivery': '' }), { code: 'invalid_webhook' });
    assert.throws(signed(body, { 'idc-delivery': 'has space' }), { code: 'invalid_webhook' });
    assert.throws(() => recipient.verifyWebhook(body, { 'idc-signature': sign(body) }), { code: 'invalid_webhook' });
    const bad = [
      'not json',
      '[]',
      'null',
      JSON.stringify({ ...event, type: 'somethingElse' }),
      JSON.stringify({ ...event, applicantId: 7 }),
      JSON.stringify({ ...event, levelName: '' }),
      JSON.stringify({ ...event, externalUserId: 5 }),
      JSON.stringify({ ...event, review: { answer: 'YELLOW', rejectLabels: [] } }),
      JSON.stringify({ ...event, review: { answer: 'RED', rejectLabels: [1] } }),
      JSON.stringify({ ...event, review: undefined }),
      JSON.stringify({ ...event, deliveryId: 'whd_another' }),
      JSON.stringify({ ...event, deliveryId: undefined }),
      JSON.stringify({ ...event, createdAt: undefined }),
      JSON.stringify({ ...event, createdAt: 'yesterday' }),
      // signed, but older than the provider's 24 h of retries: a replay
      JSON.stringify({ ...event, createdAt: new Date(Date.now() - 26 * 3600_000).toISOString() }),
      JSON.stringify({ ...event, createdAt: new Date(Date.now() + 3600_000).toISOString() }),
    ];
    for (const raw of bad) assert.throws(signed(raw), { code: 'invalid_webhook' }, raw);
    const invalidUtf8 = Buffer.from([0x7b, 0xff, 0x7d]);
    assert.throws(() => recipient.verifyWebhook(invalidUtf8, headers(invalidUtf8)), { code: 'invalid_webhook' });
  });

  it('needs webhookSecret and the raw body (invalid_request), and never touches the network', () => {
    const before = fake.requests.length;
    const noSecret = fakeClient();
    assert.throws(() => noSecret.verifyWebhook(body, headers()), { code: 'invalid_request' });
    const withSecret = fakeClient({ webhookSecret: RECIPIENT_WEBHOOK_SECRET });
    assert.deepEqual(withSecret.verifyWebhook(body, headers()), { ...event, deliveryId: 'whd_delivery-1' });
    assert.throws(() => withSecret.verifyWebhook(JSON.parse(body) as never, headers()), { code: 'invalid_request' });
    assert.throws(() => withSecret.verifyWebhook(body, null as never), { code: 'invalid_request' });
    assert.equal(fake.requests.length, before);
  });

  it('verifies the real provider\'s applicantReviewed delivery after a reuse', async () => {
    const { token } = await integrator.shareToken({ connectToken: alice.accessToken, forClientId: RECIPIENT.id });
    const result = await recipient.reuse({ shareToken: token, levelName: LEVEL, userId: 'bank-user-webhook' });
    const delivery = await eventually(
      () => receiver.requests.find((r) => r.path === '/webhooks/idc' && r.body.includes(result.applicantId)),
      'the webhook delivery',
    );
    const parsed = recipient.verifyWebhook(delivery.body, delivery.headers);
    assert.equal(parsed.type, 'applicantReviewed');
    assert.equal(parsed.deliveryId, delivery.headers['idc-delivery']);
    assert.equal(parsed.applicantId, result.applicantId);
    assert.equal(parsed.externalUserId, 'bank-user-webhook');
    assert.equal(parsed.levelName, LEVEL);
    assert.deepEqual(parsed.review, result.review);
    const other = createGatewayClient({
      issuer: provider.issuer,
      clientId: RECIPIENT_2.id,
      clientSecret: RECIPIENT_2.secret,
      webhookSecret: `${RECIPIENT_2.id}-webhook-secret`,
    });
    assert.throws(() => other.verifyWebhook(delivery.body, delivery.headers), { code: 'invalid_signature' });
  });
});

describe('failures of the transport and of the answer', () => {
  it('a server that never answers: gateway_unreachable (retryable) within the timeout', async () => {
    fake.handle(() => undefined);
    const started = Date.now();
    const err = await rejects(fakeClient({ timeout: 0.3 }).listPartnerships(), 'gateway_unreachable');
    assert.ok(Date.now() - started < 3000, `bounded (${Date.now() - started} ms)`);
    assert.equal(err.retryable, true);
    assert.match(err.message, /within 0\.3 seconds/);
  });

  it('an answer whose body stalls, and an injected fetch that ignores the signal, are bounded too', async () => {
    fake.handle((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"partnerships": [');
    });
    await rejects(fakeClient({ timeout: 0.3 }).listPartnerships(), 'gateway_unreachable');
    const started = Date.now();
    const deaf = fakeClient({ timeout: 0.2, fetch: () => new Promise<Response>(() => undefined) });
    await rejects(deaf.listPartnerships(), 'gateway_unreachable');
    assert.ok(Date.now() - started < 3000);
  });

  it('nothing listening: gateway_unreachable with the socket error as cause', async () => {
    const port = await closedPort();
    const client = createGatewayClient({ issuer: `http://127.0.0.1:${port}`, clientId: 'c', clientSecret: 's' });
    const err = await rejects(client.listPartnerships(), 'gateway_unreachable');
    assert.equal(err.retryable, true);
    assert.equal((err.cause as { code?: string }).code, 'ECONNREFUSED');
  });

  it('a 500 with { code, message }: gateway_error, retryable, with providerCode and status', async () => {
    fake.handle((_req, res) => answer(res, 500, { code: 'server_error', message: 'the request could not be completed' }));
    const err = await rejects(fakeClient().listPartnerships(), 'gateway_error');
    assert.equal(err.status, 500);
    assert.equal(err.providerCode, 'server_error');
    assert.equal(err.providerMessage, 'the request could not be completed');
    assert.equal(err.retryable, true);
  });

  it('reads all three error shapes; 429 is retryable, a 4xx is not; an odd provider code is dropped', async () => {
    const shapes: [number, unknown, string | undefined, boolean][] = [
      [400, { error: 'invalid_share_token', error_description: 'used' }, 'invalid_share_token', false],
      [403, { error: { code: 'partnership_inactive', message: 'not yet' } }, 'partnership_inactive', false],
      [429, { code: 'rate_limited', message: 'slow down' }, 'rate_limited', true],
      [503, '<html>Service Unavailable</html>', undefined, true],
      [400, { code: 'has spaces <b>', message: 'x' }, undefined, false],
      [400, { code: 'x'.repeat(100) }, undefined, false],
    ];
    for (const [status, body, providerCode, retryable] of shapes) {
      fake.handle((_req, res) => answer(res, status, body));
      const err = await rejects(fakeClient().listPartnerships(), 'gateway_error');
      assert.equal(err.status, status);
      assert.equal(err.providerCode, providerCode, JSON.stringify(body));
      assert.equal(err.retryable, retryable);
    }
    fake.handle((_req, res) => answer(res, 401, { code: 'connection_revoked', message: 'connect again' }));
    const revoked = await rejects(fakeClient().shareToken({ connectToken: 'abc.def', forClientId: 'r' }), 'connection_revoked');
    assert.equal(revoked.providerCode, 'connection_revoked');
  });

  it('a 2xx that is not JSON, or lacks the call\'s fields, is gateway_error without providerCode (not retryable)', async () => {
    const answers: [number, unknown][] = [
      [200, 'plain text'],
      [200, '{"partnerships": ['],
      [200, { partnerships: 'none' }],
      [200, { partnerships: [{ id: 'p1' }] }],
      [200, []],
      [204, ''],
    ];
    for (const [status, body] of answers) {
      fake.handle((_req, res) => answer(res, status, body));
      const err = await rejects(fakeClient().listPartnerships(), 'gateway_error');
      assert.equal(err.providerCode, undefined);
      assert.equal(err.retryable, false);
    }
    fake.handle((_req, res) => answer(res, 200, { token: 'idcst_x', forClientId: 'r', sharingAllowed: 'yes', expiresIn: 1 }));
    const err = await rejects(fakeClient().shareToken({ connectToken: 'abc', forClientId: 'r' }), 'gateway_error');
    assert.match(err.message, /"sharingAllowed"/);
  });

  it('a redirect is not followed (the credentials stay home); an oversized answer is refused', async () => {
    const elsewhere = await startFakeGateway();
    try {
      fake.handle((_req, res) => answer(res, 307, '', { location: `${elsewhere.origin}/api/partnerships` }));
      const err = await rejects(fakeClient().listPartnerships(), 'gateway_error');
      assert.equal(err.status, 307);
      assert.equal(elsewhere.requests.length, 0);
    } finally {
      await elsewhere.close();
    }
    fake.handle((_req, res) => answer(res, 200, { partnerships: [], padding: 'x'.repeat(2 * 1024 * 1024) }));
    await rejects(fakeClient().listPartnerships(), 'gateway_error');
  });

  it('sends the documented requests: method, path, auth scheme, JSON body', async () => {
    fake.handle((req, res) => {
      if (req.path === '/api/share-token') answer(res, 200, { token: 'idcst_t', forClientId: 'r1', sharingAllowed: true, expiresIn: 60 });
      else if (req.path === '/api/share-link') answer(res, 200, { link: `${fake.origin}/share/x`, expiresIn: 300 });
      else if (req.path === '/api/reuse') {
        answer(res, 200, {
          applicantId: 'app_1', externalUserId: 'u1', levelName: 'l', status: 'approved',
          review: { answer: 'GREEN', rejectLabels: [] }, checks: [], documents: [],
        });
      } else answer(res, 200, { id: 'ptn_1', integratorClientId: 'a', recipientClientId: 'b', status: 'pending' });
    });
    const client = createGatewayClient({ issuer: `${fake.origin}/`, clientId: 'my client', clientSecret: 'se:cret+/ü' });
    await client.shareToken({ connectToken: 'connect-token.abc', forClientId: 'r1', ttlInSecs: 60 });
    await client.shareLink({ connectToken: 'connect-token.abc', redirectUri: 'https://a.example/cb', forClientId: 'r1', state: 'st' });
    await client.createPartnership({ recipientClientId: 'b' });
    await client.reuse({ shareToken: 'idcst_t', levelName: 'l', userId: 'u1', selections: [{ requirementId: 'id', documentId: 'd1' }] });
    const [mint, link, partner, reuse] = fake.requests.slice(-4);
    assert.deepEqual([mint!.method, mint!.path, mint!.headers.authorization], ['POST', '/api/share-token', 'Bearer connect-token.abc']);
    assert.deepEqual(JSON.parse(mint!.body), { forClientId: 'r1', ttlInSecs: 60 });
    assert.equal(mint!.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(link!.body), { redirectUri: 'https://a.example/cb', forClientId: 'r1', state: 'st' });
    const basicValue = `Basic ${Buffer.from('my+client:se%3Acret%2B%2F%C3%BC').toString('base64')}`;
    assert.deepEqual([partner!.method, partner!.path, partner!.headers.authorization], ['POST', '/api/partnerships', basicValue]);
    assert.deepEqual(JSON.parse(reuse!.body), {
      shareToken: 'idcst_t',
      levelName: 'l',
      userId: 'u1',
      selections: [{ requirementId: 'id', documentId: 'd1' }],
    });
  });
});

describe('options and parameters (invalid_request, nothing sent)', () => {
  it('refuses invalid client options', () => {
    const base = { issuer: 'https://id.example.com', clientId: 'c', clientSecret: 's' };
    const bad: unknown[] = [
      null,
      { ...base, issuer: 'http://id.example.com' },
      { ...base, issuer: 'ftp://localhost' },
      { ...base, issuer: 'https://id.example.com/?tenant=1' },
      { ...base, issuer: 'https://user:pw@id.example.com' },
      { ...base, clientSecret: '' },
      { ...base, clientId: undefined },
      { ...base, timeout: 0 },
      { ...base, timeout: -1 },
      { ...base, timeout: Infinity },
      { ...base, timeout: '5' },
      { ...base, fetch: 'fetch' },
      { ...base, webhookSecret: '' },
      { ...base, webhookSecret: 42 },
    ];
    for (const options of bad) {
      assert.throws(() => createGatewayClient(options as GatewayClientOptions), { code: 'invalid_request' }, JSON.stringify(options));
    }
    assert.doesNotThrow(() => createGatewayClient({ ...base, issuer: 'http://localhost:4000' }));
    assert.doesNotThrow(() => createGatewayClient({ ...base, issuer: 'http://127.0.0.1:4000' }));
  });

  it('refuses invalid call parameters before sending anything', async () => {
    const client = fakeClient();
    const before = fake.requests.length;
    const calls: (() => Promise<unknown>)[] = [
      () => client.shareToken(null as never),
      () => client.shareToken({ connectToken: '', forClientId: 'r' }),
      () => client.shareToken({ connectToken: 'tok\r\nX-Injected: 1', forClientId: 'r' }),
      () => client.shareToken({ connectToken: 'has space', forClientId: 'r' }),
      () => client.shareToken({ connectToken: 'abc', forClientId: 'r', ttlInSecs: 0 }),
      () => client.shareToken({ connectToken: 'abc', forClientId: 'r', ttlInSecs: 1.5 }),
      () => client.shareToken({ connectToken: 'abc', forClientId: 'r', ttlInSecs: '60' as never }),
      () => client.shareToken({ connectToken: 'abc', forClientId: '' }),
      () => client.shareLink({ connectToken: 'abc', redirectUri: 'https://a/cb', forClientId: 'r', state: '' }),
      () =>
        client.shareLink({ connectToken: 'abc', redirectUri: 'https://a/cb', forClientId: 'r', state: 's', displayMode: 'modal' as never }),
      () => client.createPartnership({ recipientClientId: 7 as never }),
      () => client.activatePartnership(''),
      () => client.reuseDocuments({ shareToken: 'idcst_x', levelName: '' }),
      () => client.reuse({ shareToken: '', levelName: 'l' }),
      () => client.reuse({ shareToken: 'idcst_x', levelName: 'l', userId: '' }),
      () => client.reuse({ shareToken: 'idcst_x', levelName: 'l', selections: {} as never }),
      () => client.reuse({ shareToken: 'idcst_x', levelName: 'l', selections: [{ requirementId: 'a' }] as never }),
    ];
    for (const call of calls) await rejects(call(), 'invalid_request');
    assert.equal(fake.requests.length, before, 'nothing was sent');
  });
});

describe('no secret in any error', () => {
  const CLIENT_SECRET = 'leak-check-client-secret-0123456789';
  const WEBHOOK_SECRET = 'leak-check-webhook-secret-0123456789';
  const CONNECT_TOKEN = 'leak-check-connect-token-0123456789';
  const SHARE_TOKEN = 'idcst_leak-check-share-token-0123456789';
  const basicCredentials = Buffer.from(`leak-client:${CLIENT_SECRET}`).toString('base64');
  const SECRETS = [CLIENT_SECRET, WEBHOOK_SECRET, CONNECT_TOKEN, SHARE_TOKEN, basicCredentials];

  function assertClean(err: IdcServerError, label: string): void {
    const views = [err.message, String(err), inspect(err, { depth: null, showHidden: true }), JSON.stringify(err), err.stack ?? ''];
    for (const view of views) {
      for (const secret of SECRETS) assert.ok(!view.includes(secret), `${label}: a secret appears in ${view.slice(0, 300)}`);
    }
  }

  const options = (overrides: Partial<GatewayClientOptions> = {}): GatewayClientOptions => ({
    issuer: fake.origin,
    clientId: 'leak-client',
    clientSecret: CLIENT_SECRET,
    webhookSecret: WEBHOOK_SECRET,
    ...overrides,
  });

  async function catchError(promise: Promise<unknown>): Promise<IdcServerError> {
    try {
      await promise;
    } catch (err) {
      assert.ok(err instanceof IdcServerError, inspect(err));
      return err;
    }
    return assert.fail('expected a rejection');
  }

  it('a provider that echoes the credentials and tokens in its error: redacted everywhere', async () => {
    fake.handle((req, res) => {
      const echo = `auth=${String(req.headers.authorization)} body=${req.body} secret=${CLIENT_SECRET} hook=${WEBHOOK_SECRET}`;
      answer(res, 400, { code: 'invalid_request', message: echo, error_description: echo });
    });
    const client = createGatewayClient(options());
    const errors = [
      await catchError(client.shareToken({ connectToken: CONNECT_TOKEN, forClientId: 'r' })),
      await catchError(client.shareLink({ connectToken: CONNECT_TOKEN, redirectUri: 'https://a/cb', forClientId: 'r', state: 's' })),
      await catchError(client.reuse({ shareToken: SHARE_TOKEN, levelName: 'l' })),
      await catchError(client.reuseDocuments({ shareToken: SHARE_TOKEN, levelName: 'l' })),
      await catchError(client.listPartnerships()),
    ];
    for (const err of errors) {
      assert.equal(err.code, 'gateway_error');
      assert.match(err.providerMessage ?? '', /\[redacted\]/);
      assertClean(err, err.message);
    }
  });

  it('an injected fetch that throws with the request in its message: the cause is redacted', async () => {
    const client = createGatewayClient(
      options({
        fetch: (_url, init) => Promise.reject(new Error(`refused ${init.headers['authorization']} ${String(init.body)}`)),
      }),
    );
    const err = await catchError(client.reuse({ shareToken: SHARE_TOKEN, levelName: 'l' }));
    assert.equal(err.code, 'gateway_unreachable');
    assertClean(err, 'fetch error');
    const bearer = await catchError(client.shareToken({ connectToken: CONNECT_TOKEN, forClientId: 'r' }));
    assertClean(bearer, 'fetch error (bearer)');
  });

  it('timeouts, refused connections, bad answers and webhook failures carry no secret', async () => {
    fake.handle(() => undefined);
    const slow = createGatewayClient(options({ timeout: 0.2 }));
    assertClean(await catchError(slow.reuse({ shareToken: SHARE_TOKEN, levelName: 'l' })), 'timeout');
    const port = await closedPort();
    const refused = createGatewayClient(options({ issuer: `http://127.0.0.1:${port}` }));
    assertClean(await catchError(refused.shareToken({ connectToken: CONNECT_TOKEN, forClientId: 'r' })), 'refused');
    fake.handle((_req, res) => answer(res, 200, `not json ${SHARE_TOKEN}`));
    assertClean(await catchError(createGatewayClient(options()).reuse({ shareToken: SHARE_TOKEN, levelName: 'l' })), 'not json');
    const client = createGatewayClient(options());
    const body = JSON.stringify({ type: 'applicantReviewed', secret: WEBHOOK_SECRET });
    for (const headers of [
      { 'idc-signature': 'sha256=00', 'idc-delivery': 'd' },
      { 'idc-signature': `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex')}`, 'idc-delivery': 'd' },
    ]) {
      try {
        client.verifyWebhook(body, headers);
        assert.fail('expected a throw');
      } catch (err) {
        assert.ok(err instanceof IdcServerError);
        assertClean(err, `webhook ${err.code}`);
      }
    }
    const badIssuer = () => createGatewayClient({ ...options(), issuer: `http://example.com/${CLIENT_SECRET}` });
    assertClean(await catchError(Promise.resolve().then(badIssuer)), 'option error');
  });
});

describe('the user disconnected the integrator', () => {
  it('share calls with the old connect token are connection_revoked', async () => {
    const conn = await connect(provider);
    const page = await conn.browser.follow('/account');
    await conn.browser.follow('/account/disconnect', { form: { csrf: csrfFrom(page.html), client: INTEGRATOR.id } });
    const err = await rejects(integrator.shareToken({ connectToken: conn.accessToken, forClientId: RECIPIENT.id }), 'connection_revoked');
    assert.equal(err.providerCode, 'connection_revoked');
    assert.equal(err.status, 401);
    assert.equal(err.retryable, false);
    await rejects(
      integrator.shareLink({ connectToken: conn.accessToken, redirectUri: SHARE_CALLBACK, forClientId: RECIPIENT.id, state: 's' }),
      'connection_revoked',
    );
  });
});
