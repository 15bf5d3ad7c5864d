/**
 * The provider's single-use and consent rules under concurrency, over HTTP, for any deployment: one instance or
 * several behind a proxy (`issuer` is where requests go), PGlite or PostgreSQL (`query` reaches its database).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as client from 'openid-client';
import type { KitStore, RunningProvider } from '../../../../demo/provider/index.js';
import {
  ALICE,
  Browser,
  CALLBACK,
  INTEGRATOR,
  RECIPIENT,
  api,
  basic,
  bearer,
  csrfFrom,
  mintShareToken,
  oidcConfig,
  type ConnectResult,
} from '../helpers.js';

type Target = Pick<RunningProvider, 'issuer'>;
export type Query = (sql: string, params?: (string | number | null)[]) => Promise<Record<string, unknown>[]>;

const digest = (token: string) => createHash('sha256').update(token).digest('base64url');

export function redeem(target: Target, shareToken: string, recipient = RECIPIENT) {
  return api(target as RunningProvider, '/api/reuse', { shareToken, levelName: 'basic-kyc-level' }, basic(recipient.id, recipient.secret));
}

/** One share token, `n` redeems at once: exactly one 200, every other one 400 `invalid_share_token`. */
export async function redeemOneTokenManyTimes(target: Target, conn: ConnectResult, n: number): Promise<void> {
  const { token } = await mintShareToken(target as RunningProvider, conn.accessToken);
  const results = await Promise.all(Array.from({ length: n }, () => redeem(target, token)));
  const ok = results.filter((r) => r.status === 200);
  assert.equal(ok.length, 1, `exactly one of ${n} concurrent redeems succeeds (got ${ok.length})`);
  for (const r of results.filter((r) => r.status !== 200)) {
    assert.equal(r.status, 400, JSON.stringify(r.json));
    assert.equal(r.json.error, 'invalid_share_token');
  }
}

/**
 * A browser signs in and allows the connect screen; resolves the callback URL carrying the code (not exchanged).
 * `onStep` sees each step's name, so a test can act between two of them (kill an instance, say).
 */
export async function authorize(
  target: Target,
  options: { browser?: Browser; onStep?: (step: 'login-form' | 'signed-in' | 'allowed') => Promise<void> } = {},
): Promise<{ callback: URL; verifier: string; state: string; config: client.Configuration; browser: Browser }> {
  const browser = options.browser ?? new Browser(target.issuer);
  const config = await oidcConfig(target.issuer);
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const authUrl = client.buildAuthorizationUrl(config, {
    redirect_uri: CALLBACK,
    scope: 'openid email share',
    prompt: 'consent',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
  });
  let step = await browser.follow(authUrl.href);
  if (/name="password"/.test(step.html)) {
    await options.onStep?.('login-form');
    step = await browser.follow(new URL(step.url).pathname + '/login', { form: { ...ALICE, csrf: csrfFrom(step.html) } });
  }
  assert.match(step.html, /<idc-consent-screen kind="connect">/, `the connect screen (got ${step.res.status} at ${step.url})`);
  await options.onStep?.('signed-in');
  const uid = /\/interaction\/([\w-]+)/.exec(step.url)![1];
  step = await browser.follow(`/interaction/${uid}/consent`, { form: { csrf: csrfFrom(step.html), decision: 'allow' } });
  assert.ok(step.external, `the flow ends at the client (got ${step.res.status} at ${step.url})`);
  await options.onStep?.('allowed');
  return { callback: step.external, verifier, state, config, browser };
}

/** The token endpoint as the integrator's backend calls it, raw (so that two calls can race). */
async function exchange(target: Target, code: string, verifier: string): Promise<{ status: number; json: any }> {
  const res = await fetch(new URL('/token', target.issuer), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(INTEGRATOR.id, INTEGRATOR.secret) },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: verifier }),
  });
  return { status: res.status, json: await res.json() };
}

/**
 * One authorization code, `n` token requests at once: one token set, every other request `invalid_grant`. As for a
 * code presented twice one after the other, the grant then ends, so even the one token set stops working.
 */
export async function exchangeOneCodeManyTimes(target: Target, n: number): Promise<void> {
  const { callback, verifier } = await authorize(target);
  const code = callback.searchParams.get('code')!;
  const results = await Promise.all(Array.from({ length: n }, () => exchange(target, code, verifier)));
  const issued = results.filter((r) => r.status === 200);
  assert.equal(issued.length, 1, `one token set for one code (got ${issued.length}: ${JSON.stringify(results.map((r) => r.status))})`);
  assert.equal(typeof issued[0]!.json.access_token, 'string');
  for (const r of results.filter((r) => r.status !== 200)) {
    assert.equal(r.status, 400, JSON.stringify(r.json));
    assert.equal(r.json.error, 'invalid_grant');
  }
  const share = await api(target as RunningProvider, '/api/share-token', { forClientId: RECIPIENT.id }, bearer(issued[0]!.json.access_token));
  assert.equal(share.status, 401, 'the grant ended with the replay');
}

/**
 * The store with a random pause (0–`maxMs` ms) before every read and write, so that concurrent requests interleave
 * at every step instead of running in lockstep: the races below then really race. Locks are passed through.
 */
export function jittery(store: KitStore, maxMs = 3): KitStore {
  const pause = () => new Promise((resolve) => setTimeout(resolve, Math.random() * maxMs));
  const wrap =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      await pause();
      return fn(...args);
    };
  return {
    get: wrap((ns, key) => store.get(ns, key)),
    set: wrap((ns, key, value, ttl) => store.set(ns, key, value, ttl)),
    add: wrap((ns, key, value, ttl) => store.add(ns, key, value, ttl)),
    take: wrap((ns, key) => store.take(ns, key)),
    delete: wrap((ns, key) => store.delete(ns, key)),
    ...(store.withLock ? { withLock: store.withLock.bind(store) } : {}),
    close: () => store.close(),
  } as KitStore;
}

/** Records, in statement order, every write to share tokens, consents and cut-offs (a trigger on kit_records). */
export async function installWriteLog(query: Query): Promise<void> {
  await query(`CREATE TABLE IF NOT EXISTS race_log (
    seq bigserial PRIMARY KEY, op text NOT NULL, ns text NOT NULL, key text NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())`);
  await query(`CREATE OR REPLACE FUNCTION race_log_write() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        INSERT INTO race_log (op, ns, key) VALUES (TG_OP, OLD.ns, OLD.key);
        RETURN OLD;
      END IF;
      INSERT INTO race_log (op, ns, key) VALUES (TG_OP, NEW.ns, NEW.key);
      RETURN NEW;
    END $$`);
  await query('DROP TRIGGER IF EXISTS race_log_trigger ON kit_records');
  await query(`CREATE TRIGGER race_log_trigger AFTER INSERT OR UPDATE OR DELETE ON kit_records
    FOR EACH ROW EXECUTE FUNCTION race_log_write()`);
}

/**
 * Many redeems race one consent withdrawal, for one (account, integrator, recipient). Tokens are all minted before
 * the withdrawal. Redeems go out one every `spacingMs`, so that when the withdrawal goes out (after a third of
 * them) some are at every step of their checks; a last few go out after the withdrawal answered.
 *
 * The rule, as asserted: the withdrawal's cut-off is the write of its `consent-cutoff` record (in the database's
 * statement order and clock). Every redeem that succeeded spent its token (the token row's DELETE) before that
 * write, and so also started before it; every redeem that started after the withdrawal had answered failed
 * (`invalid_share_token`: minted before the cut-off, or `consent_required`). Needs {@link installWriteLog}.
 */
export async function redeemsRaceWithdrawal(
  target: Target,
  query: Query,
  conn: ConnectResult,
  recipient: { id: string; secret: string },
  count = 40,
  spacingMs = 1,
): Promise<{ succeeded: number; failed: number }> {
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) tokens.push((await mintShareToken(target as RunningProvider, conn.accessToken, recipient.id)).token);
  const [base] = await query('SELECT coalesce(max(seq), 0)::bigint AS seq FROM race_log');
  const baseline = Number(base!['seq']);
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const send = async (token: string) => {
    const startedAt = Date.now();
    return { token, startedAt, result: await redeem(target, token, recipient) };
  };

  const sent: ReturnType<typeof send>[] = [];
  let withdrawal: Promise<{ startedAt: number; answeredAt: number; res: Awaited<ReturnType<typeof api>> }> | undefined;
  const during = count - 3;
  for (let i = 0; i < during; i++) {
    if (i === Math.floor(during / 3)) {
      const startedAt = Date.now();
      withdrawal = api(target as RunningProvider, '/api/consents/revoke', { forClientId: recipient.id }, bearer(conn.accessToken)).then(
        (res) => ({ startedAt, answeredAt: Date.now(), res }),
      );
    }
    sent.push(send(tokens[i]!));
    await sleep(spacingMs);
  }
  const withdrawn = await withdrawal!;
  assert.equal(withdrawn.res.status, 200, JSON.stringify(withdrawn.res.json));
  assert.equal(withdrawn.res.json.revoked, true);
  for (const token of tokens.slice(during)) sent.push(send(token));
  const redeems = await Promise.all(sent);

  const triple = JSON.stringify([String(conn.idTokenClaims?.['sub'] ?? 'acc-alice'), INTEGRATOR.id, recipient.id]);
  const log = await query(
    `SELECT seq::bigint AS seq, op, ns, key, (extract(epoch FROM at) * 1000)::float8 AS at_ms FROM race_log
      WHERE seq > $1 AND ns IN ('share-token', 'consent-cutoff') ORDER BY seq`,
    [baseline],
  );
  const cutoff = log.find((row) => row['ns'] === 'consent-cutoff' && row['key'] === triple && row['op'] !== 'DELETE');
  assert.ok(cutoff, 'the withdrawal wrote its cut-off');
  const cutoffSeq = Number(cutoff['seq']);
  const cutoffAt = Number(cutoff['at_ms']);
  assert.ok(cutoffAt >= withdrawn.startedAt - 50 && cutoffAt <= withdrawn.answeredAt + 50, 'the cut-off is written during the withdrawal');

  let succeeded = 0;
  let failed = 0;
  for (const { token, startedAt, result } of redeems) {
    const spent = log.find((row) => row['ns'] === 'share-token' && row['key'] === digest(token) && row['op'] === 'DELETE');
    if (result.status === 200) {
      succeeded++;
      assert.ok(spent, 'a successful redeem deleted its token');
      assert.ok(Number(spent['seq']) < cutoffSeq, `a redeem that succeeded spent its token before the cut-off (#${spent['seq']} vs #${cutoffSeq})`);
      assert.ok(startedAt <= cutoffAt, `a redeem that succeeded started before the cut-off (${startedAt} vs ${cutoffAt})`);
    } else {
      failed++;
      assert.ok(
        (result.status === 400 && result.json.error === 'invalid_share_token') || (result.status === 403 && result.json.error === 'consent_required'),
        `a refused redeem says why: ${result.status} ${JSON.stringify(result.json)}`,
      );
      if (spent) assert.ok(Number(spent['seq']) > cutoffSeq, 'a refused redeem lost its token only after the cut-off (minted before it)');
    }
    if (startedAt > withdrawn.answeredAt) assert.notEqual(result.status, 200, 'a redeem started after the withdrawal answered never succeeds');
  }
  assert.ok(succeeded >= 1, 'some redeems got in before the withdrawal');
  assert.ok(failed >= 1, 'some redeems came after it');
  return { succeeded, failed };
}
