/**
 * The SQL storage of the reference provider (demo/provider/storage): the KitStore and oidc-provider adapter
 * behaviours on PGlite, and on a throwaway PostgreSQL server when its binaries are installed (else those suites
 * are skipped, saying why); migrations; named locks, within a process and between processes; persistence across a
 * reopen of the data directory; and provider restarts on the embedded database that keep accounts (seeded and
 * signed up), connect tokens, consents and unspent share tokens, and spent share tokens spent. The single-use
 * and consent rules under concurrency run here on one PGlite instance, and in multi-instance.test.ts on two
 * instances sharing PostgreSQL.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AdapterPayload } from 'oidc-provider';
import { hashPassword } from '../../../demo/provider/accounts.js';
import { startProvider, type RunningProvider } from '../../../demo/provider/index.js';
import { openDatabase, type Database } from '../../../demo/provider/storage/database.js';
import { LOCK_FILE } from '../../../demo/provider/storage/dir-lock.js';
import { MIGRATIONS, migrate } from '../../../demo/provider/storage/migrations.js';
import { ALICE, Browser, RECIPIENT, RECIPIENT_2, api, assertApiError, basic, connect, consentTo, csrfFrom, mintShareToken, start } from './helpers.js';
import { postgresSkipReason, startPostgres, type PostgresCluster } from './support/postgres.js';
import { exchangeOneCodeManyTimes, installWriteLog, jittery, redeemOneTokenManyTimes, redeemsRaceWithdrawal } from './support/races.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const epochNow = () => Math.floor(Date.now() / 1000);

/** The KitStore behaviours (those the MemoryKitStore test checks, and concurrency), each test in its own namespace. */
function storeBehaviours(db: () => Database): void {
  it('stores JSON copies of every kind of value', async () => {
    const { store } = db();
    const value = { n: 1, list: [1, 'two', { three: 3 }], nested: { ok: true, none: null } };
    await store.set('copies', 'object', value);
    value.n = 2;
    const read = await store.get<typeof value>('copies', 'object');
    assert.deepEqual(read, { n: 1, list: [1, 'two', { three: 3 }], nested: { ok: true, none: null } }, 'stored a copy');
    read!.n = 3;
    assert.equal((await store.get<typeof value>('copies', 'object'))!.n, 1, 'handed out a copy');
    for (const [key, v] of [['array', [1, 2]], ['string', 'héllo ✓'], ['number', 1.5], ['true', true], ['null', null]] as const) {
      await store.set('copies', key, v);
      assert.deepEqual(await store.get('copies', key), v, key);
    }
    assert.equal(await store.get('copies', 'missing'), undefined);
  });

  it('expires values after their TTL, and a TTL of 0 at once', async () => {
    const { store } = db();
    await store.set('ttl', 'short', { v: 1 }, 0.4);
    await store.set('ttl', 'forever', { v: 2 });
    await store.set('ttl', 'zero', { v: 3 }, 0);
    assert.deepEqual(await store.get('ttl', 'short'), { v: 1 });
    assert.equal(await store.get('ttl', 'zero'), undefined);
    await sleep(450);
    assert.equal(await store.get('ttl', 'short'), undefined, 'expired');
    assert.equal(await store.take('ttl', 'short'), undefined, 'an expired value cannot be taken');
    assert.deepEqual(await store.get('ttl', 'forever'), { v: 2 });
    await store.set('ttl', 'forever', { v: 4 }, 3600);
    assert.deepEqual(await store.get('ttl', 'forever'), { v: 4 }, 'set overwrites value and TTL');
  });

  it('adds only when the key is absent or expired', async () => {
    const { store } = db();
    assert.equal(await store.add('add', 'k', { v: 1 }, 60), true);
    assert.equal(await store.add('add', 'k', { v: 2 }), false);
    assert.deepEqual(await store.get('add', 'k'), { v: 1 }, 'a refused add leaves the value');
    await store.set('add', 'old', { v: 'old' }, 0.05);
    await sleep(80);
    assert.equal(await store.add('add', 'old', { v: 'new' }), true, 'an expired row counts as absent');
    assert.deepEqual(await store.get('add', 'old'), { v: 'new' });
    await sleep(80);
    assert.deepEqual(await store.get('add', 'old'), { v: 'new' }, 'with the new TTL (none)');
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => store.add('add', 'race', i)));
    assert.equal(results.filter(Boolean).length, 1, 'exactly one of ten concurrent adds wins');
  });

  it('hands a value to exactly one of two, and of twenty, concurrent takers', async () => {
    const { store } = db();
    await store.set('take', 'pair', { n: 1 });
    const pair = await Promise.all([store.take('take', 'pair'), store.take('take', 'pair')]);
    assert.deepEqual(pair.filter((v) => v !== undefined), [{ n: 1 }]);
    await store.set('take', 'crowd', { n: 2 }, 60);
    const crowd = await Promise.all(Array.from({ length: 20 }, () => store.take('take', 'crowd')));
    assert.deepEqual(crowd.filter((v) => v !== undefined), [{ n: 2 }]);
    assert.equal(await store.get('take', 'crowd'), undefined, 'taken means gone');
    assert.equal(await store.add('take', 'crowd', { n: 3 }), true);
  });

  it('keeps namespaces apart and accepts any namespace name', async () => {
    const { store } = db();
    await store.set('consent', 'same-key', 'a');
    await store.set('any-namespace-at-all', 'same-key', 'b');
    assert.equal(await store.get('share-link', 'same-key'), undefined);
    await store.delete('consent', 'same-key');
    assert.equal(await store.get('consent', 'same-key'), undefined);
    assert.equal(await store.get('any-namespace-at-all', 'same-key'), 'b');
    await store.delete('consent', 'never-there');
  });

  it('withLock: holders of one name take turns, other names run alongside, a failure lets go, locks do not nest', async () => {
    const { store } = db();
    let inside = 0;
    let most = 0;
    const done: number[] = [];
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        store.withLock('lock', 'one', async () => {
          inside++;
          most = Math.max(most, inside);
          await sleep(3);
          done.push(i);
          inside--;
        }),
      ),
    );
    assert.equal(most, 1, 'never two holders at once');
    assert.deepEqual(done, [0, 1, 2, 3, 4, 5, 6, 7], 'first come, first served');
    let release!: () => void;
    const held = store.withLock('lock', 'one', () => new Promise<void>((resolve) => (release = resolve)));
    await sleep(20);
    assert.equal(await store.withLock('lock', 'two', async () => 'ran'), 'ran', 'another name does not wait');
    release();
    await held;
    await assert.rejects(store.withLock('lock', 'one', async () => Promise.reject(new Error('boom'))), /boom/);
    assert.equal(await store.withLock('lock', 'one', async () => 'free again'), 'free again');
    await assert.rejects(
      store.withLock('lock', 'one', () => store.withLock('lock', 'two', async () => 1)),
      /does not nest/,
    );
    assert.equal(await store.withLock('lock', 'two', async () => 'still free'), 'still free');
  });

  it('refuses what it cannot store, and finds nothing under an unstorable key', async () => {
    const { store } = db();
    await assert.rejects(store.set('refuse', 'undefined', undefined), TypeError);
    await assert.rejects(store.set('refuse', 'nan', 1, Number.NaN), TypeError);
    await assert.rejects(store.set('refuse', 'nul\u0000key', 1), TypeError);
    await assert.rejects(store.set('refuse', 'nul-value', 'a\u0000b'), TypeError);
    assert.equal(await store.get('refuse', 'nul\u0000key'), undefined);
    assert.equal(await store.take('refuse', 'nul\u0000key'), undefined);
  });
}

/** The oidc-provider adapter contract. */
function adapterBehaviours(db: () => Database): void {
  it('adapter: upsert and find payload copies, per model', async () => {
    const tokens = db().adapter('AccessToken');
    const payload: AdapterPayload = { jti: 'same-id', accountId: 'acc-1', grantId: 'g-find', scope: 'openid' };
    await tokens.upsert('same-id', payload, 3600);
    payload.scope = 'changed';
    assert.deepEqual(await tokens.find('same-id'), { jti: 'same-id', accountId: 'acc-1', grantId: 'g-find', scope: 'openid' });
    assert.equal(await db().adapter('RefreshToken').find('same-id'), undefined, 'models are separate');
    assert.equal(await tokens.find('unknown'), undefined);
    await tokens.upsert('same-id', { jti: 'same-id', accountId: 'acc-2' }, 3600);
    assert.deepEqual(await tokens.find('same-id'), { jti: 'same-id', accountId: 'acc-2' }, 'upsert replaces');
  });

  it('adapter: findByUid and findByUserCode, following the latest upsert', async () => {
    const sessions = db().adapter('Session');
    await sessions.upsert('sess-1', { jti: 'sess-1', uid: 'uid-1', accountId: 'acc-1' }, 3600);
    assert.equal((await sessions.findByUid('uid-1'))?.accountId, 'acc-1');
    await sessions.upsert('sess-1', { jti: 'sess-1', uid: 'uid-2', accountId: 'acc-1' }, 3600);
    assert.equal(await sessions.findByUid('uid-1'), undefined, 'the old uid no longer finds it');
    assert.equal((await sessions.findByUid('uid-2'))?.jti, 'sess-1');
    assert.equal(await db().adapter('Interaction').findByUid('uid-2'), undefined, 'per model');
    const devices = db().adapter('DeviceCode');
    await devices.upsert('dc-1', { jti: 'dc-1', userCode: 'ABCD-EFGH', grantId: 'g-dc' }, 600);
    assert.equal((await devices.findByUserCode('ABCD-EFGH'))?.jti, 'dc-1');
    assert.equal(await devices.findByUserCode('ZZZZ-ZZZZ'), undefined);
  });

  it('adapter: consume marks the payload consumed (epoch seconds) once; a second one is invalid_grant and ends the grant', async () => {
    const codes = db().adapter('AuthorizationCode');
    const tokens = db().adapter('AccessToken');
    const grants = db().adapter('Grant');
    const invalidGrant = (err: any) => err?.name === 'InvalidGrant' && err?.error === 'invalid_grant' && err?.statusCode === 400;
    await grants.upsert('g-c', { jti: 'g-c', accountId: 'acc-1' }, 3600);
    await tokens.upsert('at-c', { jti: 'at-c', grantId: 'g-c' }, 3600);
    await codes.upsert('code-c', { jti: 'code-c', grantId: 'g-c' }, 60);
    assert.equal((await codes.find('code-c'))?.consumed, undefined);
    const before = epochNow();
    await codes.consume('code-c');
    const consumed = (await codes.find('code-c'))?.consumed as number;
    assert.equal(typeof consumed, 'number');
    assert.ok(consumed >= before - 1 && consumed <= epochNow() + 1, `consumed ${consumed} is now`);
    assert.ok(await tokens.find('at-c'), 'one consumption ends nothing');
    await assert.rejects(codes.consume('code-c'), invalidGrant);
    assert.equal(await grants.find('g-c'), undefined, 'a second consumption ends the grant');
    assert.equal(await tokens.find('at-c'), undefined, 'with the tokens issued under it');
    await codes.upsert('code-old', { jti: 'code-old', consumed: 1_000_000 }, 60);
    await assert.rejects(codes.consume('code-old'), invalidGrant);
    assert.equal((await codes.find('code-old'))?.consumed, 1_000_000, 'the first consumption stays');
    await assert.rejects(codes.consume('never-issued'), invalidGrant);

    await codes.upsert('code-race', { jti: 'code-race', grantId: 'g-race' }, 60);
    const results = await Promise.allSettled(Array.from({ length: 12 }, () => codes.consume('code-race')));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1, 'exactly one of twelve concurrent consumes wins');
    for (const r of results) if (r.status === 'rejected') assert.ok(invalidGrant(r.reason), String(r.reason));
  });

  it('adapter: destroy deletes one row, revokeByGrantId every row of the grant for that model', async () => {
    const tokens = db().adapter('AccessToken');
    const refresh = db().adapter('RefreshToken');
    await tokens.upsert('at-g1-a', { jti: 'at-g1-a', grantId: 'g-1' }, 3600);
    await tokens.upsert('at-g1-b', { jti: 'at-g1-b', grantId: 'g-1' });
    await tokens.upsert('at-g2', { jti: 'at-g2', grantId: 'g-2' }, 3600);
    await refresh.upsert('rt-g1', { jti: 'rt-g1', grantId: 'g-1' }, 3600);
    await tokens.revokeByGrantId('g-1');
    assert.equal(await tokens.find('at-g1-a'), undefined);
    assert.equal(await tokens.find('at-g1-b'), undefined);
    assert.ok(await tokens.find('at-g2'), 'another grant is untouched');
    assert.ok(await refresh.find('rt-g1'), 'another model is untouched');
    await refresh.revokeByGrantId('g-1');
    assert.equal(await refresh.find('rt-g1'), undefined);
    await tokens.destroy('at-g2');
    assert.equal(await tokens.find('at-g2'), undefined);
    await tokens.destroy('at-g2');
  });

  it('adapter: honours expiresIn, for find and for the lookups', async () => {
    const sessions = db().adapter('Session');
    const devices = db().adapter('DeviceCode');
    await sessions.upsert('sess-short', { jti: 'sess-short', uid: 'uid-short' }, 0.4);
    await devices.upsert('dc-short', { jti: 'dc-short', userCode: 'SHORT-CODE' }, 0.4);
    await sessions.upsert('sess-long', { jti: 'sess-long', uid: 'uid-long' });
    assert.ok(await sessions.find('sess-short'));
    assert.ok(await devices.findByUserCode('SHORT-CODE'));
    await sleep(450);
    assert.equal(await sessions.find('sess-short'), undefined);
    assert.equal(await sessions.findByUid('uid-short'), undefined);
    assert.equal(await devices.findByUserCode('SHORT-CODE'), undefined);
    assert.ok(await sessions.findByUid('uid-long'), 'no expiresIn: kept');
  });

  it('sweep deletes the expired rows of both tables', async () => {
    const { store, adapter, client } = db();
    await store.set('sweep', 'gone', 1, 0.01);
    await store.set('sweep', 'kept', 1, 3600);
    await adapter('Interaction').upsert('int-sweep', { jti: 'int-sweep' }, 0.01);
    await sleep(30);
    assert.ok((await db().sweep()) >= 2);
    const [row] = await client.query<{ n: number }>(
      `SELECT ((SELECT count(*) FROM kit_records WHERE ns = 'sweep') + (SELECT count(*) FROM oidc_models WHERE id = 'int-sweep'))::integer AS n`,
    );
    assert.equal(row?.n, 1);
  });
}

/** Migrations on an open database: idempotent, all-or-nothing, and refusing a newer schema. */
function migrationBehaviours(db: () => Database): void {
  it('migrations: a second run applies nothing; a failing one leaves no trace; a newer schema is refused', async () => {
    const { client } = db();
    assert.deepEqual(await migrate(client), []);
    const next = MIGRATIONS.length + 1;
    const broken = { version: next, name: 'broken', statements: ['CREATE TABLE migration_probe (x integer)', 'SELECT no_such_function()'] };
    await assert.rejects(migrate(client, [...MIGRATIONS, broken]), /no_such_function/);
    const [probe] = await client.query<{ t: string | null }>(`SELECT to_regclass('migration_probe')::text AS t`);
    assert.equal(probe?.t, null, 'the failed migration was rolled back');
    const versions = await client.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    assert.deepEqual(versions.map((r) => r.version), MIGRATIONS.map((m) => m.version));
    await client.query(`INSERT INTO schema_migrations (version, name) VALUES (99, 'from the future')`);
    try {
      await assert.rejects(migrate(client), new RegExp(`version 99, newer than this code knows \\(${MIGRATIONS.length}\\)`));
    } finally {
      await client.query('DELETE FROM schema_migrations WHERE version = 99');
    }
  });
}

describe('SQL storage on PGlite', () => {
  let dir: string;
  let db: Database;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'idc-sql-'));
    db = await openDatabase({ dataDir: join(dir, 'contract', 'nested'), sweepIntervalMs: 0 });
  });
  after(async () => {
    await db?.close();
    await rm(dir, { recursive: true, force: true });
  });

  storeBehaviours(() => db);
  adapterBehaviours(() => db);
  migrationBehaviours(() => db);

  it('keeps records and adapter rows when the data directory is closed and reopened', async () => {
    const dataDir = join(dir, 'persist');
    const first = await openDatabase({ dataDir, sweepIntervalMs: 0 });
    try {
      await first.store.set('account', 'acc-1', { email: 'a@example.com' });
      await first.store.set('consent', 'long', { ok: true }, 3600);
      await first.store.set('share-token', 'short', true, 0.2);
      await first.store.set('share-token', 'spent', true, 3600);
      assert.equal(await first.store.take('share-token', 'spent'), true);
      await first.adapter('AccessToken').upsert('at-p', { jti: 'at-p', grantId: 'g-p', accountId: 'acc-1' }, 3600);
      await first.adapter('Session').upsert('sess-p', { jti: 'sess-p', uid: 'uid-p', accountId: 'acc-1' }, 3600);
      await first.adapter('AuthorizationCode').upsert('code-p', { jti: 'code-p', grantId: 'g-p' }, 3600);
      await first.adapter('AuthorizationCode').consume('code-p');
      await first.adapter('Interaction').upsert('int-p', { jti: 'int-p', uid: 'int-p' }, 0.2);
      await assert.rejects(openDatabase({ dataDir }), /already open in this process/, 'one opener per directory');
    } finally {
      await first.close();
    }
    await first.close(); // closing twice is harmless
    // a lock left by a live process is refused; one left by a process that is gone (a crash) is taken over
    await writeFile(join(dataDir, LOCK_FILE), `${process.ppid}\n`);
    await assert.rejects(openDatabase({ dataDir }), new RegExp(`in use by process ${process.ppid}`));
    await writeFile(join(dataDir, LOCK_FILE), `${2 ** 22 + 1}\n`);
    await sleep(250);

    const second = await openDatabase({ dataDir, sweepIntervalMs: 0 });
    try {
      assert.deepEqual(await migrate(second.client), [], 'the schema was already there');
      const versions = await second.client.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
      assert.deepEqual(versions.map((r) => r.version), MIGRATIONS.map((m) => m.version));
      assert.deepEqual(await second.store.get('account', 'acc-1'), { email: 'a@example.com' });
      assert.deepEqual(await second.store.get('consent', 'long'), { ok: true });
      assert.equal(await second.store.get('share-token', 'short'), undefined, 'expired while closed');
      assert.equal(await second.store.take('share-token', 'spent'), undefined, 'taken stays taken');
      assert.equal(await second.store.add('share-token', 'spent', 'again'), true);
      assert.equal((await second.adapter('AccessToken').find('at-p'))?.accountId, 'acc-1');
      assert.equal((await second.adapter('Session').findByUid('uid-p'))?.jti, 'sess-p');
      assert.equal(typeof (await second.adapter('AuthorizationCode').find('code-p'))?.consumed, 'number');
      assert.equal(await second.adapter('Interaction').find('int-p'), undefined, 'expired while closed');
      await second.adapter('AccessToken').revokeByGrantId('g-p');
    } finally {
      await second.close();
    }
    const third = await openDatabase({ dataDir, sweepIntervalMs: 0 });
    try {
      assert.equal(await third.adapter('AccessToken').find('at-p'), undefined, 'the revocation persisted');
    } finally {
      await third.close();
    }
  });

  it('openDatabase refuses a non-postgres URL, and both a URL and a data directory', async () => {
    await assert.rejects(openDatabase({ url: 'mysql://localhost/db' }), /postgres:\/\//);
    await assert.rejects(openDatabase({ url: 'postgres://localhost/db', dataDir: dir }), /not both/);
  });
});

describe('the provider on a PGlite data directory', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'idc-sql-provider-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const redeem = (provider: RunningProvider, shareToken: string) =>
    api(provider, '/api/reuse', { shareToken, levelName: 'basic-kyc-level' }, basic(RECIPIENT.id, RECIPIENT.secret));

  it('a restart (new port, same keys and data) keeps connect tokens and consents, and spent share tokens spent', async () => {
    const dataDir = join(dir, 'db');
    const keysFile = join(dir, 'keys.json');
    let connectToken = '';
    let spent = '';
    let unused = '';

    let db = await openDatabase({ dataDir });
    let provider = await start({ store: db.store, adapter: db.adapter, keysFile });
    try {
      const alice = await connect(provider);
      connectToken = alice.accessToken;
      await consentTo(provider, alice);
      spent = (await mintShareToken(provider, connectToken)).token;
      assert.equal((await redeem(provider, spent)).status, 200);
      assertApiError(await redeem(provider, spent), 400, 'invalid_share_token');
      unused = (await mintShareToken(provider, connectToken)).token;
    } finally {
      await provider.close();
      await db.close();
    }

    db = await openDatabase({ dataDir });
    provider = await start({ store: db.store, adapter: db.adapter, keysFile });
    try {
      const minted = await mintShareToken(provider, connectToken);
      assert.equal(minted.sharingAllowed, true, 'the consent survived');
      const redeemed = await redeem(provider, minted.token);
      assert.equal(redeemed.status, 200, JSON.stringify(redeemed.json));
      assert.equal((await redeem(provider, unused)).status, 200, 'minted before the restart, redeemed after');
      assertApiError(await redeem(provider, spent), 400, 'invalid_share_token');
    } finally {
      await provider.close();
      await db.close();
    }
  });
});

describe('the provider on the embedded database (startProvider({ database: { dataDir } }))', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'idc-embedded-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('stop and start: seeded and signed-up accounts, consents and an unspent token survive; a spent one stays spent', async () => {
    const options = { host: '127.0.0.1', port: 0, database: { dataDir: join(dir, 'db') }, keysFile: join(dir, 'keys.json') };
    const carol = { email: 'carol@example.com', password: 'carol-signed-up-1' };
    const redeem = (provider: RunningProvider, shareToken: string) =>
      api(provider, '/api/reuse', { shareToken, levelName: 'basic-kyc-level' }, basic(RECIPIENT.id, RECIPIENT.secret));
    let carolId = '';
    let connectToken = '';
    let spent = '';
    let unspent = '';

    let provider = await startProvider(options);
    try {
      const created = await provider.kit.accounts.create(carol.email, await hashPassword(carol.password));
      assert.ok(created, 'signed up');
      carolId = created.id;
      const alice = await connect(provider);
      connectToken = alice.accessToken;
      await consentTo(provider, alice);
      spent = (await mintShareToken(provider, connectToken)).token;
      assert.equal((await redeem(provider, spent)).status, 200);
      unspent = (await mintShareToken(provider, connectToken)).token;
    } finally {
      await provider.close();
    }

    provider = await startProvider(options);
    try {
      const { accounts, shares } = provider.kit;
      assert.equal((await accounts.authenticate(carol.email, carol.password))?.id, carolId, 'the signed-up account signs in');
      assert.equal((await accounts.findById(carolId))?.verified, false);
      assert.equal(await accounts.create(carol.email, 'x'), undefined, 'and still holds its address');
      assert.ok(await accounts.authenticate(ALICE.email, ALICE.password), 'the seeded account is still there');
      assert.deepEqual(
        (await shares.consentsOf('acc-alice')).map((c) => c.recipientId),
        [RECIPIENT.id],
        'the consent is listed on the account page',
      );
      // the signed-up person signs in through the login form of the restarted provider
      const browser = new Browser(provider.issuer);
      const accountPage = await browser.follow('/account');
      const signedIn = await browser.follow(new URL(accountPage.url).pathname + '/login', {
        form: { email: carol.email, password: carol.password, csrf: csrfFrom(accountPage.html) },
      });
      assert.match(signedIn.html, /carol@example\.com/, 'signed in as carol after the restart');

      assert.equal((await mintShareToken(provider, connectToken)).sharingAllowed, true, 'the consent stands');
      const late = await redeem(provider, unspent);
      assert.equal(late.status, 200, `minted before the restart, redeemed after: ${JSON.stringify(late.json)}`);
      assertApiError(await redeem(provider, spent), 400, 'invalid_share_token');
      assertApiError(await redeem(provider, unspent), 400, 'invalid_share_token');
    } finally {
      await provider.close();
    }
  });

  it('single use and consent under concurrency, on one instance: redeems, code exchanges, redeems racing a withdrawal', async () => {
    const db = await openDatabase({ dataDir: join(dir, 'races'), sweepIntervalMs: 0 });
    // a pause before each store call, so that concurrent requests interleave at every step (see jittery())
    const provider = await start({ store: jittery(db.store, 6), adapter: db.adapter });
    try {
      await installWriteLog((sql, params) => db.client.query(sql, params));
      const alice = await connect(provider);
      await consentTo(provider, alice);
      await redeemOneTokenManyTimes(provider, alice, 50);
      await exchangeOneCodeManyTimes(provider, 6);
      await consentTo(provider, alice, RECIPIENT_2.id);
      const race = await redeemsRaceWithdrawal(provider, (sql, params) => db.client.query(sql, params), alice, RECIPIENT_2);
      assert.ok(race.succeeded + race.failed === 40);
    } finally {
      await provider.close();
      await db.close();
    }
  });
});

// ---- the same behaviours on a real PostgreSQL server, when one can be started here ----

describe('SQL storage on a PostgreSQL server', { skip: postgresSkipReason() }, () => {
  let cluster: PostgresCluster | undefined;
  let db: Database | undefined;
  before(async () => {
    cluster = await startPostgres();
    db = await openDatabase({ url: cluster.url, sweepIntervalMs: 0 });
  });
  after(async () => {
    await db?.close();
    await cluster?.stop();
  });

  storeBehaviours(() => db!);
  adapterBehaviours(() => db!);
  migrationBehaviours(() => db!);

  it('two processes opening a fresh database at once migrate it once', async () => {
    const url = await cluster!.createDatabase('race');
    const [a, b] = await Promise.all([openDatabase({ url }), openDatabase({ url })]);
    try {
      const versions = await a.client.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
      assert.deepEqual(versions.map((r) => r.version), MIGRATIONS.map((m) => m.version));
      await a.store.set('race', 'k', 1);
      assert.equal(await b.store.take('race', 'k'), 1);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('withLock between two processes (two pools): they take turns, and a holder whose connection dies lets go', async () => {
    const other = await openDatabase({ url: cluster!.url, sweepIntervalMs: 0 });
    try {
      let inside = 0;
      let most = 0;
      await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          (i % 2 ? other : db!).store.withLock('lock', 'shared', async () => {
            inside++;
            most = Math.max(most, inside);
            await sleep(4);
            inside--;
          }),
        ),
      );
      assert.equal(most, 1, 'never two holders at once, across the two pools');

      // more locks held at once than half the pool: the rest queue, and the holders still get connections
      const many = await Promise.all(
        Array.from({ length: 12 }, (_, i) => db!.store.withLock('lock', `key-${i}`, async () => (await db!.store.get('lock', 'none')) ?? i)),
      );
      assert.deepEqual(many, Array.from({ length: 12 }, (_, i) => i));

      let entered!: () => void;
      let finish!: () => void;
      const holding = new Promise<void>((resolve) => (entered = resolve));
      const stuck = other.store.withLock('lock', 'dies', async () => {
        entered();
        await new Promise<void>((resolve) => (finish = resolve));
      });
      stuck.catch(() => undefined);
      await holding;
      const waited = Date.now();
      const next = db!.store.withLock('lock', 'dies', async () => Date.now() - waited);
      await sleep(100);
      // the holder's process "dies": the server ends its connection, and with it the transaction and the lock
      await db!.client.query(
        `SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid()`,
      );
      assert.ok((await next) < 5000, 'the waiter got the lock once the holder was gone');
      // the holder itself learns it lost the lock only when it ends (its COMMIT fails): see the README's caveat
      finish();
      await assert.rejects(stuck);
    } finally {
      await other.close();
    }
  });
});
