/**
 * Sharing as the product documents specify, against the real provider over real HTTP: recipient verdicts with
 * fresh checks, one applicant per (recipient, userId), the query-parameter form, consent bound to what its screen
 * listed, display modes, two redeems racing for one token, and signed `applicantReviewed` webhooks delivered at
 * least once from the outbox — retried with backoff, and still delivered after a provider restart on a database.
 */
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startProvider, type RunningProvider } from '../../../demo/provider/index.js';
import { freePort } from '../../e2e/support-journey/servers.js';
import {
  api,
  assertApiError,
  basic,
  connect,
  consentTo,
  createShareLink,
  mintShareToken,
  RECIPIENT,
  start,
  type ConnectResult,
} from './helpers.js';

const WEBHOOK_SECRET = 'demo-recipient-webhook-secret';

interface Received {
  body: string;
  delivery: string | undefined;
  signature: string | undefined;
}

/** A recipient's webhook endpoint on loopback: answers `statuses` in turn (then 200), records every request. */
async function webhookReceiver(statuses: number[] = []): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        body: Buffer.concat(chunks).toString('utf8'),
        delivery: req.headers['idc-delivery'] as string | undefined,
        signature: req.headers['idc-signature'] as string | undefined,
      });
      res.writeHead(statuses.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/idc`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function validSignature(r: Received): boolean {
  const expected = Buffer.from(`sha256=${createHmac('sha256', WEBHOOK_SECRET).update(r.body).digest('hex')}`);
  const actual = Buffer.from(r.signature ?? '');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 8000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The provider's recipient client with its webhook pointed at `url`. */
function recipientWithWebhook(url: string) {
  return {
    client_id: 'hooked-recipient',
    client_secret: 'hooked-recipient-secret',
    client_name: 'Hooked Bank',
    redirect_uris: [],
    grant_types: [],
    response_types: [],
    token_endpoint_auth_method: 'client_secret_basic' as const,
    idc_role: 'recipient',
    idc_allowed_donors: ['demo-integrator'],
    idc_levels: { 'basic-kyc-level': [{ id: 'identity', accepts: ['passport', 'id_card'], required: true }] },
    idc_webhook_url: url,
    idc_webhook_secret: WEBHOOK_SECRET,
  };
}
const HOOKED = { id: 'hooked-recipient', secret: 'hooked-recipient-secret' };

describe('recipient verdicts', () => {
  let provider: RunningProvider;
  let alice: ConnectResult;
  before(async () => {
    provider = await start();
    alice = await connect(provider);
    await consentTo(provider, alice);
  });
  after(() => provider.close());

  const reuse = (body: Record<string, unknown>, query = '') =>
    api(provider, `/api/reuse${query}`, query ? '' : body, basic(RECIPIENT.id, RECIPIENT.secret), query ? { 'content-type': 'application/json' } : {});

  it('updates one applicant per (recipient, userId) and answers the verdict with its checks', async () => {
    const first = await reuse({ shareToken: (await mintShareToken(provider, alice.accessToken)).token, levelName: 'basic-kyc-level', userId: 'user-42' });
    const second = await reuse({ shareToken: (await mintShareToken(provider, alice.accessToken)).token, levelName: 'basic-kyc-level', userId: 'user-42' });
    const other = await reuse({ shareToken: (await mintShareToken(provider, alice.accessToken)).token, levelName: 'basic-kyc-level', userId: 'user-43' });
    assert.equal(first.json.externalUserId, 'user-42');
    assert.equal(second.json.applicantId, first.json.applicantId, 'the same applicant, updated');
    assert.notEqual(other.json.applicantId, first.json.applicantId);
    assert.equal(first.json.status, 'approved');
    assert.equal(first.json.review.answer, 'GREEN');
  });

  it('rejects with reasons when a required document cannot be reused', async () => {
    const result = await reuse({
      shareToken: (await mintShareToken(provider, alice.accessToken)).token,
      levelName: 'basic-kyc-level',
      selections: [{ requirementId: 'identity', documentId: 'doc-alice-passport' }],
    });
    assert.equal(result.json.status, 'rejected');
    assert.deepEqual(result.json.review, { answer: 'RED', rejectLabels: ['ADDRESS_NOT_PROVIDED'] });
    assert.deepEqual(result.json.checks, [
      { type: 'identity', result: 'passed' },
      { type: 'address', result: 'failed', reason: 'missing' },
    ]);
  });

  it('accepts the query-parameter form of the product documents, and refuses both forms at once', async () => {
    const { token } = await mintShareToken(provider, alice.accessToken);
    const query = `?${new URLSearchParams({ shareToken: token, levelName: 'basic-kyc-level', userId: 'q-user' })}`;
    const res = await fetch(new URL(`/api/reuse${query}`, provider.issuer), { method: 'POST', headers: { authorization: basic(RECIPIENT.id, RECIPIENT.secret) } });
    const json = (await res.json()) as { status: string; externalUserId: string };
    assert.equal(res.status, 200, JSON.stringify(json));
    assert.equal(json.externalUserId, 'q-user');
    const both = await api(provider, `/api/reuse?shareToken=x`, { levelName: 'basic-kyc-level' }, basic(RECIPIENT.id, RECIPIENT.secret));
    assertApiError(both, 400, 'invalid_request');
  });

  it('refuses a level that takes more than the consent screen listed', async () => {
    const { token } = await mintShareToken(provider, alice.accessToken);
    assertApiError(await reuse({ shareToken: token, levelName: 'selfie-kyc-level' }), 403, 'consent_scope_exceeded');
    const peek = await api(provider, '/api/reuse/documents', { shareToken: token, levelName: 'selfie-kyc-level' }, basic(RECIPIENT.id, RECIPIENT.secret));
    assertApiError(peek, 403, 'consent_scope_exceeded');
    assert.equal((await reuse({ shareToken: token, levelName: 'basic-kyc-level' })).status, 200, 'the token was not spent');
  });

  it('lets exactly one of two racing redeems of one token win, over real HTTP', async () => {
    const { token } = await mintShareToken(provider, alice.accessToken);
    const results = await Promise.all([1, 2, 3, 4].map(() => reuse({ shareToken: token, levelName: 'basic-kyc-level' })));
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 400, 400, 400]);
    for (const r of results.filter((x) => x.status === 400)) assert.equal(r.json.code, 'invalid_share_token');
  });

  it('answers errors as { code, message } (and the OAuth-style names alongside)', async () => {
    const res = await reuse({ levelName: 'basic-kyc-level' });
    assert.equal(res.status, 400);
    assert.equal(res.json.code, 'invalid_request');
    assert.equal(typeof res.json.message, 'string');
    assert.equal(res.json.error, res.json.code);
  });

  it('renders the share screen compact for displayMode popup and as a full page for page', async () => {
    const html = async (displayMode: string) => {
      const link = await createShareLink(provider, alice.accessToken, { displayMode, forClientId: 'demo-recipient-2' });
      return (await alice.browser.follow(link)).html;
    };
    const popup = await html('popup');
    const page = await html('page');
    assert.match(popup, /<body class="layout-popup">/);
    assert.doesNotMatch(popup, /<header class="site">/);
    assert.match(page, /<body class="layout-page">/);
    assert.match(page, /<header class="site">/);
  });
});

describe('applicantReviewed webhooks', () => {
  it('signs each delivery, gives it a unique id, and retries with backoff until a 2xx', async () => {
    const receiver = await webhookReceiver([500, 503]);
    const provider = await start({ extraClients: [recipientWithWebhook(receiver.url)], webhooks: { intervalMs: 100, backoffMs: 100 } });
    try {
      const alice = await connect(provider);
      await consentTo(provider, alice, HOOKED.id);
      const { token } = await mintShareToken(provider, alice.accessToken, HOOKED.id);
      const redeemed = await api(provider, '/api/reuse', { shareToken: token, levelName: 'basic-kyc-level', userId: 'u-1' }, basic(HOOKED.id, HOOKED.secret));
      assert.equal(redeemed.status, 200, JSON.stringify(redeemed.json));
      await until('three attempts', () => receiver.received.length >= 3 || undefined);
      const [a, b, c] = receiver.received;
      assert.ok([a, b, c].every((r) => r && validSignature(r)), 'every attempt is signed over its raw body');
      assert.equal(new Set([a, b, c].map((r) => r!.delivery)).size, 1, 'retries keep the delivery id');
      assert.match(a!.delivery ?? '', /^whd_[\w-]{22}$/);
      const { createdAt, ...event } = JSON.parse(c!.body);
      assert.deepEqual(event, {
        type: 'applicantReviewed',
        applicantId: redeemed.json.applicantId,
        externalUserId: 'u-1',
        levelName: 'basic-kyc-level',
        review: { answer: 'GREEN', rejectLabels: [] },
        deliveryId: a!.delivery,
      });
      assert.ok(Math.abs(Date.parse(createdAt) - Date.now()) < 60_000, 'signed event time');
      const [row] = await provider.kit.webhooks.outbox.list();
      assert.equal(row?.attempts, 3);
      assert.ok(row?.deliveredAt, 'delivered after the third attempt');
      await new Promise((r) => setTimeout(r, 400));
      assert.equal(receiver.received.length, 3, 'nothing more once delivered');
    } finally {
      await provider.close();
      await receiver.close();
    }
  });

  it('loses no delivery across a provider restart: the outbox is in the database', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'idc-outbox-'));
    const port = await freePort();
    const down = await webhookReceiver();
    await down.close(); // nothing listens there while the first provider runs
    const options = (url: string) => ({
      port,
      host: '127.0.0.1',
      database: { dataDir: join(dir, 'db') },
      keysFile: join(dir, 'keys.json'),
      extraClients: [recipientWithWebhook(url)],
      webhooks: { intervalMs: 100, backoffMs: 100 },
    });
    let provider = await startProvider(options(down.url));
    let receiver: Awaited<ReturnType<typeof webhookReceiver>> | undefined;
    try {
      const alice = await connect(provider);
      await consentTo(provider, alice, HOOKED.id);
      const { token } = await mintShareToken(provider, alice.accessToken, HOOKED.id);
      const redeemed = await api(provider, '/api/reuse', { shareToken: token, levelName: 'basic-kyc-level' }, basic(HOOKED.id, HOOKED.secret));
      assert.equal(redeemed.status, 200);
      const failedRows = async () => (await provider.kit.webhooks.outbox.list()).filter((r) => r.attempts >= 1 && !r.deliveredAt);
      const end = Date.now() + 5000;
      while (!(await failedRows()).length && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
      const [pending] = await failedRows();
      assert.ok(pending, 'attempted against the closed port, not delivered');
      await provider.close();

      receiver = await webhookReceiver();
      provider = await startProvider(options(receiver.url));
      const got = await until('the delivery after the restart', () => receiver!.received[0]);
      assert.equal(got.delivery, pending.id, 'the same delivery, picked up by the new process');
      assert.ok(validSignature(got));
      assert.equal(JSON.parse(got.body).applicantId, redeemed.json.applicantId);
    } finally {
      await provider.close();
      await receiver?.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
