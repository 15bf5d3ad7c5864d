/**
 * Several provider instances, one issuer: two child processes of demo/provider/main.ts on one PostgreSQL database
 * and one keys file, listening on ports of their own, behind a round-robin proxy that owns the issuer's port and
 * sends each request to the next instance. A browser's journey, the integrator's backend and the recipient all go
 * through the proxy, so consecutive requests of one flow land on different instances.
 *
 * Needs the PostgreSQL server binaries (Debian's `postgresql`, which .ci/run installs); without them the suite is
 * skipped, saying why. The embedded database (PGlite) is one process by design: its restarts are tested in
 * sql-storage.test.ts.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import * as client from 'openid-client';
import type { RunningProvider } from '../../../demo/provider/index.js';
import { RECIPIENT, RECIPIENT_2, api, bearer, connect, consentTo, mintShareToken, type ConnectResult } from './helpers.js';
import { postgresSkipReason, startPostgres, type PostgresCluster } from './support/postgres.js';
import { spawnInstance, startRoundRobinProxy, type Instance, type RoundRobinProxy } from './support/instances.js';
import {
  authorize,
  exchangeOneCodeManyTimes,
  installWriteLog,
  redeem,
  redeemOneTokenManyTimes,
  redeemsRaceWithdrawal,
  type Query,
} from './support/races.js';

describe('two provider instances behind one issuer, on one PostgreSQL database', { skip: postgresSkipReason() }, () => {
  let dir: string;
  let cluster: PostgresCluster | undefined;
  let proxy: RoundRobinProxy | undefined;
  let pool: pg.Pool | undefined;
  let instances: Instance[] = [];
  let issuer = '';
  let target: RunningProvider;
  let alice: ConnectResult;
  const query: Query = async (sql, params) => (await pool!.query(sql, params ?? [])).rows;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'idc-multi-'));
    cluster = await startPostgres();
    const url = await cluster.createDatabase('multi');
    pool = new pg.Pool({ connectionString: url, max: 2 });
    proxy = await startRoundRobinProxy();
    issuer = `http://localhost:${proxy.port}`;
    target = { issuer } as RunningProvider;
    const env = {
      PROVIDER_ISSUER: issuer,
      DATABASE_URL: url,
      PROVIDER_KEYS_FILE: join(dir, 'keys.json'),
      PROVIDER_TRUST_PROXY: '1',
    };
    // both at once, on a fresh database and no keys file yet: one migrates while the other waits, one writes the
    // keys and the other reads them
    instances = await Promise.all([spawnInstance(env), spawnInstance(env)]);
    proxy.setUpstreams(instances.map((i) => i.url));
  });

  after(async () => {
    for (const instance of instances) {
      if (instance.child.exitCode === null && instance.child.signalCode === null) instance.child.kill('SIGKILL');
    }
    await Promise.all(instances.map((i) => i.exited));
    await proxy?.close();
    await pool?.end();
    await cluster?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers as the issuer whatever port each instance listens on, and a connect flow alternates between them', async () => {
    const discovery = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
    assert.equal(discovery.issuer, issuer);
    for (const endpoint of ['authorization_endpoint', 'token_endpoint', 'jwks_uri', 'userinfo_endpoint']) {
      assert.ok(String(discovery[endpoint]).startsWith(`${issuer}/`), `${endpoint} is on the issuer: ${discovery[endpoint]}`);
    }
    // both instances sign with the keys of the one keys file
    const jwks = [0, 1].map(async () => (await (await fetch(`${issuer}/jwks`)).json()).keys.map((k: { kid: string }) => k.kid).sort());
    const [first, second] = await Promise.all(jwks);
    assert.deepEqual(first, second, 'one key set');

    const from = proxy!.log.length;
    alice = await connect(target);
    const flow = proxy!.log.slice(from);
    const served = [0, 1].map((i) => flow.filter((r) => r.upstream === i).length);
    assert.ok(flow.length >= 8, `the flow took ${flow.length} requests`);
    assert.ok(served[0]! >= 3 && served[1]! >= 3, `both instances served the flow: ${JSON.stringify(flow.map((r) => `${r.upstream} ${r.method} ${r.path}`))}`);
    for (let i = 1; i < flow.length; i++) {
      if (flow[i]!.path !== '/token') continue;
      assert.notEqual(flow[i]!.upstream, flow[i - 1]!.upstream, 'the code was exchanged on the other instance than the last step');
    }
    assert.equal(typeof alice.accessToken, 'string');
    assert.equal(alice.idTokenClaims?.['iss'], issuer);
    const minted = await mintShareToken(target, alice.accessToken);
    assert.equal(minted.sharingAllowed, false);
  });

  it('fifty concurrent redeems of one share token across both instances: exactly one succeeds', async () => {
    await consentTo(target, alice);
    await redeemOneTokenManyTimes(target, alice, 50);
  });

  it('concurrent exchanges of one authorization code across both instances: one token set, the grant then ends', async () => {
    await exchangeOneCodeManyTimes(target, 8);
  });

  it('redeems on both instances racing a consent withdrawal: none succeeds after the cut-off', async () => {
    await installWriteLog(query);
    await consentTo(target, alice, RECIPIENT_2.id);
    const { succeeded, failed } = await redeemsRaceWithdrawal(target, query, alice, RECIPIENT_2, 80);
    assert.equal(succeeded + failed, 80);
  });

  it('kill -9 of one instance between the sign-in and the consent: the other finishes the journey', async () => {
    const victim = instances[1]!;
    let killedAt = 0;
    const { callback, verifier, state, config } = await authorize(target, {
      async onStep(step) {
        if (step !== 'signed-in') return;
        victim.child.kill('SIGKILL');
        await victim.exited;
        killedAt = proxy!.log.length;
      },
    });
    assert.equal(victim.child.signalCode, 'SIGKILL');
    const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state });
    assert.ok(proxy!.refused.includes(1), 'the proxy met the dead instance and went on to the other');
    assert.ok(proxy!.log.slice(killedAt).every((r) => r.upstream === 0), 'after the kill only the survivor answered');

    // the connection made on the survivor works, and so does what was stored before the kill
    const share = await api(target, '/api/share-token', { forClientId: RECIPIENT.id }, bearer(tokens.access_token));
    assert.equal(share.status, 200, JSON.stringify(share.json));
    assert.equal(share.json.sharingAllowed, true, 'the consent given before the kill stands');
    const redeemed = await redeem(target, share.json.token);
    assert.equal(redeemed.status, 200, JSON.stringify(redeemed.json));
    const integrator = await api(target, '/api/share-token', { forClientId: RECIPIENT.id }, bearer(alice.accessToken));
    assert.equal(integrator.status, 200, 'a connect token issued before the kill still works');
  });
});
